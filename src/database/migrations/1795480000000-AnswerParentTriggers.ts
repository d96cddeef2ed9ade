import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The foreign key from answers to their response ran one lookup and one FOR KEY SHARE row lock per answer row
 * (~12 per submission): about 80 µs of PostgreSQL CPU per submission, a quarter of the write. Two statement-level
 * triggers keep the same guarantees in the database for the way this table is used (rows are only ever inserted and,
 * with their response, deleted): an insert whose answers name a missing response fails as a foreign key violation,
 * checked once per statement with one anti-join; deleting responses deletes their answers.
 */
export class AnswerParentTriggers1795480000000 implements MigrationInterface {
  name = 'AnswerParentTriggers1795480000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "response_answers" DROP CONSTRAINT "FK_9556dcba71bb5a3bccd76570230"`);
    await queryRunner.query(`
      CREATE FUNCTION response_answers_require_response() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ids uuid[];
      BEGIN
        -- one index probe per response (= ANY of an array); a join with the transition table, whose size the
        -- planner cannot know, may choose to scan the whole responses table instead
        SELECT array_agg(DISTINCT response_id) INTO ids FROM inserted_answers;
        IF (SELECT count(*) FROM responses WHERE id = ANY (ids)) <> coalesce(cardinality(ids), 0) THEN
          RAISE foreign_key_violation USING MESSAGE = 'response_answers: response_id names no response',
            CONSTRAINT = 'fk_response_answers_response';
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER trg_response_answers_require_response AFTER INSERT ON response_answers
        REFERENCING NEW TABLE AS inserted_answers FOR EACH STATEMENT EXECUTE FUNCTION response_answers_require_response()`);
    await queryRunner.query(`
      CREATE FUNCTION responses_delete_answers() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM response_answers a USING deleted_responses d WHERE a.response_id = d.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER trg_responses_delete_answers AFTER DELETE ON responses
        REFERENCING OLD TABLE AS deleted_responses FOR EACH STATEMENT EXECUTE FUNCTION responses_delete_answers()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER trg_responses_delete_answers ON responses`);
    await queryRunner.query(`DROP FUNCTION responses_delete_answers()`);
    await queryRunner.query(`DROP TRIGGER trg_response_answers_require_response ON response_answers`);
    await queryRunner.query(`DROP FUNCTION response_answers_require_response()`);
    await queryRunner.query(
      `ALTER TABLE "response_answers" ADD CONSTRAINT "FK_9556dcba71bb5a3bccd76570230" FOREIGN KEY ("response_id") REFERENCES "responses"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
