import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Territory kinds gain «муниципальный округ» (the region's 2023 figures count one), and the column takes only the
 * known kinds, so a typo in an import cannot create a fourth kind that every breakdown would then show.
 */
export class TerritoryKinds1796220000000 implements MigrationInterface {
  name = 'TerritoryKinds1796220000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "territories" ADD CONSTRAINT "ck_territories_kind" CHECK ("kind" IN ('urban_okrug', 'municipal_district', 'municipal_okrug'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "territories" DROP CONSTRAINT "ck_territories_kind"`);
  }
}
