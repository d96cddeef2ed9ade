import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MailService } from '../mail/mail.service';

interface AssignmentMailRow {
  id: string;
  campaign_id: string;
  email: string;
  full_name: string;
  campaign_title: string;
  document_title: string;
  due_at: Date | null;
}

const MAIL_ROW_SQL = `SELECT a.id, a.campaign_id, u.email, u.full_name, c.title AS campaign_title, d.title AS document_title, a.due_at
   FROM assignments a JOIN users u ON u.id = a.expert_id JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id
  WHERE a.id = ANY($1::uuid[]) ORDER BY a.id`;

/**
 * Emails to experts about their assignments. Each automatic email is claimed by an UPDATE … WHERE <stamp> IS NULL
 * RETURNING in the same transaction that queues it, so however often (or concurrently) a job runs, each goes once.
 */
@Injectable()
export class ExpertNotificationsService {
  private readonly logger = new Logger(ExpertNotificationsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
  ) {}

  /** Invitations for every not-yet-invited assignment of a campaign in expertise (approved experts only). */
  async inviteExperts(campaignId: string): Promise<number> {
    const count = await this.dataSource.transaction(async (m) => {
      // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount]
      const [claimed]: [{ id: string }[], number] = await m.query(
        `UPDATE assignments a SET invited_at = now()
           FROM campaigns c, expert_profiles p
          WHERE a.campaign_id = $1 AND c.id = a.campaign_id AND c.status = 'expertise'
            AND p.user_id = a.expert_id AND p.status = 'approved' AND a.invited_at IS NULL
         RETURNING a.id`,
        [campaignId],
      );
      return this.queueInvitations(
        m,
        claimed.map((r) => r.id),
      );
    });
    this.logger.log({ campaignId, count }, 'expert invitations queued');
    return count;
  }

  /** One invitation per expert (not per document): every newly claimed document of theirs, with its due date. */
  private async queueInvitations(m: EntityManager, ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const rows: AssignmentMailRow[] = await m.query(
      `${MAIL_ROW_SQL.replace('ORDER BY a.id', '')} ORDER BY u.email, d.sort_order, d.title, a.id`,
      [ids],
    );
    const byExpert = new Map<string, AssignmentMailRow[]>();
    for (const r of rows) byExpert.set(r.email, [...(byExpert.get(r.email) ?? []), r]);
    for (const [email, list] of byExpert) {
      const first = list[0];
      await this.mail.queue(m, {
        to: email,
        template: 'expert-invitation',
        campaignId: first.campaign_id,
        context: {
          fullName: first.full_name,
          campaignTitle: first.campaign_title,
          count: list.length,
          documents: list.map((r) => ({
            title: r.document_title,
            dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
            assignmentPath: `/expert/assignments/${r.id}`,
          })),
        },
      });
    }
    return byExpert.size;
  }

  /**
   * Due-date reminders: 1 day before, and 3 days before. An assignment that is already within a day of its due
   * date gets only the 1-day reminder (its 3-day stamp is set too, so it never gets a late "3 days" one).
   */
  async sendDueReminders(now: Date = new Date()): Promise<{ threeDays: number; oneDay: number }> {
    return this.dataSource.transaction(async (m) => {
      const base = `FROM campaigns c, expert_profiles p
          WHERE c.id = a.campaign_id AND c.status = 'expertise' AND p.user_id = a.expert_id AND p.status = 'approved'
            AND a.status <> 'submitted' AND a.due_at > $1`;
      // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount]
      const [oneDay]: [{ id: string }[], number] = await m.query(
        `UPDATE assignments a SET reminded_1d_at = $1, reminded_3d_at = coalesce(a.reminded_3d_at, $1)
          ${base} AND a.due_at <= $1::timestamptz + interval '1 day' AND a.reminded_1d_at IS NULL RETURNING a.id`,
        [now],
      );
      const [threeDays]: [{ id: string }[], number] = await m.query(
        `UPDATE assignments a SET reminded_3d_at = $1
          ${base} AND a.due_at <= $1::timestamptz + interval '3 days' AND a.reminded_3d_at IS NULL RETURNING a.id`,
        [now],
      );
      await this.queueMany(
        m,
        oneDay.map((r) => r.id),
        'expert-reminder',
        { days: 1, daysText: '1 день' },
      );
      await this.queueMany(
        m,
        threeDays.map((r) => r.id),
        'expert-reminder',
        { days: 3, daysText: '3 дня' },
      );
      if (oneDay.length || threeDays.length)
        this.logger.log({ oneDay: oneDay.length, threeDays: threeDays.length }, 'expert reminders queued');
      return { threeDays: threeDays.length, oneDay: oneDay.length };
    });
  }

  /** One email about one assignment (manual reminder, reopened review), in the caller's transaction. */
  async queueForAssignment(m: EntityManager, assignmentId: string, template: string, extra: Record<string, unknown> = {}): Promise<void> {
    await this.queueMany(m, [assignmentId], template, extra);
  }

  private async queueMany(m: EntityManager, ids: string[], template: string, extra: Record<string, unknown> = {}): Promise<void> {
    if (!ids.length) return;
    const rows: AssignmentMailRow[] = await m.query(MAIL_ROW_SQL, [ids]);
    for (const r of rows) {
      await this.mail.queue(m, {
        to: r.email,
        template,
        campaignId: r.campaign_id,
        context: {
          fullName: r.full_name,
          campaignTitle: r.campaign_title,
          documentTitle: r.document_title,
          dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
          assignmentPath: `/expert/assignments/${r.id}`,
          ...extra,
        },
      });
    }
  }
}
