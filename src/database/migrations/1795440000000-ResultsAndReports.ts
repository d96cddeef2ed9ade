import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Aggregation and report streaming: answer indexes end with response_id (index-only counts that skip excluded
 * responses), a partial index of counted responses in (created_at, id) order for keyset batches, and the final
 * report of a closed stage marked so it exists once per stage and format.
 */
export class ResultsAndReports1795440000000 implements MigrationInterface {
  name = 'ResultsAndReports1795440000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_question_option"`);
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_question_value"`);
    await queryRunner.query(
      `CREATE INDEX "ix_response_answers_question_option" ON "response_answers" ("question_id", "option_id", "response_id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_response_answers_question_value" ON "response_answers" ("question_id", "value", "response_id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_responses_campaign_included" ON "responses" ("campaign_id", "created_at", "id") WHERE excluded = false`,
    );
    await queryRunner.query(`ALTER TABLE "reports" ADD "final_stage" text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_reports_final" ON "reports" ("campaign_id", "final_stage", "format") WHERE final_stage IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_reports_final"`);
    await queryRunner.query(`ALTER TABLE "reports" DROP COLUMN "final_stage"`);
    await queryRunner.query(`DROP INDEX "public"."ix_responses_campaign_included"`);
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_question_value"`);
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_question_option"`);
    await queryRunner.query(`CREATE INDEX "ix_response_answers_question_value" ON "response_answers" ("question_id", "value")`);
    await queryRunner.query(`CREATE INDEX "ix_response_answers_question_option" ON "response_answers" ("question_id", "option_id")`);
  }
}
