import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fewer index entries per answer row (each submission writes ~12 rows): the primary key leads with response_id and
 * replaces the separate response_id index, and the per-kind indexes become partial, so an option row, a scale row and
 * a text row each feed one secondary index instead of three. Aggregation queries already filter on the same predicates.
 */
export class SubmissionAnswerIndexes1795460000000 implements MigrationInterface {
  name = 'SubmissionAnswerIndexes1795460000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_response"`);
    await queryRunner.query(`ALTER TABLE "response_answers" DROP CONSTRAINT "PK_4a207e2b41f9bcf8ead459d4b20"`);
    await queryRunner.query(
      `ALTER TABLE "response_answers" ADD CONSTRAINT "PK_d2e7166da125fee26564a0e5f5f" PRIMARY KEY ("response_id", "id")`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_question_option"`);
    await queryRunner.query(
      `CREATE INDEX "ix_response_answers_question_option" ON "response_answers" ("question_id", "option_id", "response_id") WHERE option_id IS NOT NULL`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_question_value"`);
    await queryRunner.query(
      `CREATE INDEX "ix_response_answers_question_value" ON "response_answers" ("question_id", "value", "response_id") WHERE value IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_response_answers_question_text" ON "response_answers" ("question_id", "response_id") WHERE text IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_question_text"`);
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_question_value"`);
    await queryRunner.query(
      `CREATE INDEX "ix_response_answers_question_value" ON "response_answers" ("question_id", "value", "response_id")`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_question_option"`);
    await queryRunner.query(
      `CREATE INDEX "ix_response_answers_question_option" ON "response_answers" ("question_id", "option_id", "response_id")`,
    );
    await queryRunner.query(`ALTER TABLE "response_answers" DROP CONSTRAINT "PK_d2e7166da125fee26564a0e5f5f"`);
    await queryRunner.query(`ALTER TABLE "response_answers" ADD CONSTRAINT "PK_4a207e2b41f9bcf8ead459d4b20" PRIMARY KEY ("id")`);
    await queryRunner.query(`CREATE INDEX "ix_response_answers_response" ON "response_answers" USING btree ("response_id")`);
  }
}
