import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refused scheduled stage moves get a table of their own (they were read back from audit_log as state). The refusals
 * already in the audit log are copied, so none of them is tried again or disappears from its campaign's page.
 */
export class ScheduledTransitionFailures1796235345493 implements MigrationInterface {
  name = 'ScheduledTransitionFailures1796235345493';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "scheduled_transition_failures" (
        "campaign_id" uuid NOT NULL,
        "to_status" text NOT NULL,
        "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        "from_status" text NOT NULL,
        "reasons" jsonb NOT NULL,
        "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "pk_scheduled_transition_failures" PRIMARY KEY ("campaign_id", "to_status", "due_at")
      )`);
    await queryRunner.query(
      `ALTER TABLE "scheduled_transition_failures" ADD CONSTRAINT "fk_scheduled_transition_failures_campaign" FOREIGN KEY ("campaign_id")
         REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`
      INSERT INTO scheduled_transition_failures (campaign_id, to_status, due_at, from_status, reasons, failed_at)
      SELECT a.campaign_id, a.after->>'to', (a.after->>'dueAt')::timestamptz, a.before->>'status',
             COALESCE(a.after->'missing', '[]'::jsonb), a.created_at
        FROM audit_log a JOIN campaigns c ON c.id = a.campaign_id
       WHERE a.action = 'campaign.transition_failed'
      ON CONFLICT DO NOTHING`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "scheduled_transition_failures" DROP CONSTRAINT "fk_scheduled_transition_failures_campaign"`);
    await queryRunner.query(`DROP TABLE "scheduled_transition_failures"`);
  }
}
