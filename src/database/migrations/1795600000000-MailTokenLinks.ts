import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Emailed tokens are no longer stored in mail_messages.context: a message names the link it carries (token_link)
 * and the worker mints the token when it sends it. Rows written before this kept the raw token in the context,
 * sent ones included: each becomes the new form (the recipient's user found by address), its token path removed, so
 * no raw token stays in the table. A queued one gets a fresh link when it is sent.
 */
export class MailTokenLinks1795600000000 implements MigrationInterface {
  name = 'MailTokenLinks1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "mail_messages" ADD "token_link" jsonb`);
    for (const [template, param, path, kind] of [
      ['password-reset', 'resetPath', '/password-reset', 'password_reset'],
      ['expert-confirmation', 'confirmPath', '/experts/confirm', 'email_confirmation'],
    ]) {
      await queryRunner.query(
        `UPDATE mail_messages m
            SET context = m.context - $2::text,
                token_link = (SELECT jsonb_build_object('kind', $4::text, 'userId', u.id, 'ttlHours', (m.context->>'ttlHours')::int,
                                                        'path', $3::text, 'param', $2::text)
                                FROM users u WHERE u.email = m.to_address)
          WHERE m.template = $1 AND m.context ? $2::text`,
        [template, param, path, kind],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // the tokens removed by up() cannot be brought back: rows that still wait are sent without their link
    await queryRunner.query(`ALTER TABLE "mail_messages" DROP COLUMN "token_link"`);
  }
}
