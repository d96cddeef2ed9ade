import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The revision stage: one decision per proposal (a free-text answer), keyed like the answer, (response_id, id).
 * A partial index lets a proposal be found by the answer id alone; only text answers (a small part of the answer
 * rows written per submission) pay for it.
 */
export class ProposalDecisions1796222968143 implements MigrationInterface {
  name = 'ProposalDecisions1796222968143';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "proposal_decisions" (
        "response_id" uuid NOT NULL,
        "answer_id" bigint NOT NULL,
        "decision" text NOT NULL,
        "justification" text,
        "decided_by" uuid,
        "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "ck_proposal_decisions_justification" CHECK (
          "decision" NOT IN ('partially', 'rejected') OR char_length(coalesce("justification", '')) BETWEEN 1 AND 2000
        ),
        CONSTRAINT "ck_proposal_decisions_decision" CHECK ("decision" IN ('accepted', 'partially', 'rejected', 'not_applicable')),
        CONSTRAINT "PK_31f09355735ead6d622c56ae486" PRIMARY KEY ("response_id", "answer_id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_response_answers_text_id" ON "response_answers" ("id") WHERE text IS NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "proposal_decisions" ADD CONSTRAINT "FK_31f09355735ead6d622c56ae486" FOREIGN KEY ("response_id", "answer_id")
         REFERENCES "response_answers"("response_id", "id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "proposal_decisions" ADD CONSTRAINT "FK_58581be79c33ee130cd52e63a08" FOREIGN KEY ("decided_by")
         REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "proposal_decisions" DROP CONSTRAINT "FK_58581be79c33ee130cd52e63a08"`);
    await queryRunner.query(`ALTER TABLE "proposal_decisions" DROP CONSTRAINT "FK_31f09355735ead6d622c56ae486"`);
    await queryRunner.query(`DROP INDEX "public"."ix_response_answers_text_id"`);
    await queryRunner.query(`DROP TABLE "proposal_decisions"`);
  }
}
