import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Administration (issue 16): an organization's optional INN and the directions it is a base site for; the expert's
 * consent to personal-data processing (152-FZ: which policy text, when) and the time their personal data was erased
 * on request.
 */
export class AdministrationAndConsent1796222874579 implements MigrationInterface {
  name = 'AdministrationAndConsent1796222874579';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "organizations" ADD "inn" text`);
    await queryRunner.query(`ALTER TABLE "organizations" ADD "directions" text array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "expert_profiles" ADD "consent_version" text`);
    await queryRunner.query(`ALTER TABLE "expert_profiles" ADD "consent_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "expert_profiles" ADD "erased_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "expert_profiles" DROP COLUMN "erased_at"`);
    await queryRunner.query(`ALTER TABLE "expert_profiles" DROP COLUMN "consent_at"`);
    await queryRunner.query(`ALTER TABLE "expert_profiles" DROP COLUMN "consent_version"`);
    await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "directions"`);
    await queryRunner.query(`ALTER TABLE "organizations" DROP COLUMN "inn"`);
  }
}
