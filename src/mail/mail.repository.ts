import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { TransitionDeclaration } from '../common/state-machine';
import { MailAttachmentRef, MailMessage, MailTokenLink } from './entities/mail-message.entity';
import { MailAction, MailEffect, MailStatus } from './mail-status';

export interface NewMailRow {
  to: string;
  template: string;
  context: Record<string, unknown>;
  attachments: MailAttachmentRef[];
  campaignId: string | null;
  tokenLink: MailTokenLink | null;
}

/** Each effect of the mail machine as a SET clause; `$3` is the error text of the move. */
const EFFECT_SQL: Readonly<Record<MailEffect, string>> = {
  [MailEffect.CountAttempt]: 'attempts = attempts + 1',
  [MailEffect.StampSent]: 'sent_at = now()',
  [MailEffect.ClearError]: 'last_error = NULL',
  [MailEffect.RecordError]: 'last_error = $3',
};

/** Every statement over `mail_messages` made by the mail module. */
@Injectable()
export class MailRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** In the caller's transaction (null: its own), so the message exists if and only if its cause committed. */
  async insert(manager: EntityManager | null, row: NewMailRow): Promise<string> {
    const [inserted]: { id: string }[] = await (manager ?? this.dataSource.manager).query(
      `INSERT INTO mail_messages (to_address, template, context, attachments, campaign_id, token_link)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6::jsonb) RETURNING id`,
      [
        row.to,
        row.template,
        JSON.stringify(row.context),
        JSON.stringify(row.attachments),
        row.campaignId,
        row.tokenLink ? JSON.stringify(row.tokenLink) : null,
      ],
    );
    return inserted.id;
  }

  /**
   * Applies one move of the mail machine as ONE conditional UPDATE: PostgreSQL locks the row, the WHERE checks the
   * move's source statuses and the SET writes the target and the effects, atomically (a transaction of one
   * statement, one round trip per move on the mail hot path). False when the row is gone or not in a source status.
   */
  async applyMove(id: string, move: TransitionDeclaration<MailStatus, MailAction, MailEffect>, error: string | null): Promise<boolean> {
    const effects = move.effects ?? [];
    const sets = ['status = $2', 'updated_at = now()', ...effects.map((e) => EFFECT_SQL[e])];
    const params: unknown[] = [id, move.to, ...(effects.includes(MailEffect.RecordError) ? [error] : [])];
    params.push(move.from);
    // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount]: the rows are the first element (taking the
    // pair's length made every claim "succeed", so a re-run job sent an already sent email again)
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE mail_messages SET ${sets.join(', ')} WHERE id = $1 AND status = ANY($${params.length}::text[]) RETURNING id`,
      params,
    );
    return rows.length > 0;
  }

  findById(id: string): Promise<MailMessage | null> {
    return this.dataSource.getRepository(MailMessage).findOneBy({ id });
  }

  failedForCampaign(campaignId: string): Promise<MailMessage[]> {
    return this.dataSource
      .getRepository(MailMessage)
      .find({ where: { campaignId, status: MailStatus.Failed }, order: { createdAt: 'DESC' } });
  }
}
