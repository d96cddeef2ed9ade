import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The submission hot path: the suspected-duplicate check probes (client_hash, body_hash) instead of client_hash alone,
 * and answers no longer take FOR KEY SHARE locks on question and option rows (integrity checked by the submission
 * path; questions are deleted only in draft, before any response exists).
 */
export class SubmissionHotPath1795420000000 implements MigrationInterface {
  name = 'SubmissionHotPath1795420000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "response_answers" DROP CONSTRAINT "FK_d3198eac72f77a48ecf92af6a22"`);
    await queryRunner.query(`ALTER TABLE "response_answers" DROP CONSTRAINT "FK_528368a14600e152cb43a56eb04"`);
    await queryRunner.query(`DROP INDEX "public"."ix_responses_client_hash"`);
    await queryRunner.query(`CREATE INDEX "ix_responses_client_body" ON "responses" ("client_hash", "body_hash") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_responses_client_body"`);
    await queryRunner.query(`CREATE INDEX "ix_responses_client_hash" ON "responses" ("client_hash") `);
    await queryRunner.query(
      `ALTER TABLE "response_answers" ADD CONSTRAINT "FK_528368a14600e152cb43a56eb04" FOREIGN KEY ("option_id") REFERENCES "question_options"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "response_answers" ADD CONSTRAINT "FK_d3198eac72f77a48ecf92af6a22" FOREIGN KEY ("question_id") REFERENCES "questions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }
}
