import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A CSV report is written in one of two dialects: `excel-ru` (opens in Russian-locale Excel by double click: BOM,
 * `;`, decimal comma, local times) or `rfc4180` (for tools: comma, no BOM, decimal point, ISO times). CSV reports
 * requested before this were RFC 4180 with a BOM; they keep null, which reads as the old file they are.
 */
export class ReportCsvDialect1796222749377 implements MigrationInterface {
  name = 'ReportCsvDialect1796222749377';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reports" ADD "csv_dialect" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reports" DROP COLUMN "csv_dialect"`);
  }
}
