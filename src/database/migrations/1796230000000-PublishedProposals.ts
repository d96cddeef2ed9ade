import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The public results page's «Сводка предложений», computed once per results snapshot (grouping the texts costs
 * ~1.7 s at 100,000 responses) and kept per campaign with the snapshot it belongs to (docs/revision.md).
 */
export class PublishedProposals1796230000000 implements MigrationInterface {
  name = 'PublishedProposals1796230000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "published_proposals" (
        "campaign_id" uuid NOT NULL,
        "snapshot_id" uuid NOT NULL,
        "documents" jsonb NOT NULL,
        "computed_at" TIMESTAMP WITH TIME ZONE NOT NULL,
        CONSTRAINT "PK_15901fe6ad257c6fd900b82c66b" PRIMARY KEY ("campaign_id")
      )`);
    await queryRunner.query(
      `ALTER TABLE "published_proposals" ADD CONSTRAINT "FK_15901fe6ad257c6fd900b82c66b" FOREIGN KEY ("campaign_id")
         REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "published_proposals" ADD CONSTRAINT "FK_a577c032bb6c8f3616d595b2997" FOREIGN KEY ("snapshot_id")
         REFERENCES "results_snapshots"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "published_proposals" DROP CONSTRAINT "FK_a577c032bb6c8f3616d595b2997"`);
    await queryRunner.query(`ALTER TABLE "published_proposals" DROP CONSTRAINT "FK_15901fe6ad257c6fd900b82c66b"`);
    await queryRunner.query(`DROP TABLE "published_proposals"`);
  }
}
