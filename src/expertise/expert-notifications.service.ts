import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MailService } from '../mail/mail.service';
import { AssignmentMailRow, AssignmentNoticesRepository } from './assignment-notices.repository';

/**
 * Emails to experts about their assignments. Each automatic email is claimed (AssignmentNoticesRepository) in the same
 * transaction that queues it, so however often (or concurrently) a job runs, each goes once.
 */
@Injectable()
export class ExpertNotificationsService {
  private readonly logger = new Logger(ExpertNotificationsService.name);

  constructor(
    private readonly repo: AssignmentNoticesRepository,
    private readonly mail: MailService,
  ) {}

  /** Invitations for every not-yet-invited assignment of a campaign in expertise (approved experts only). */
  async inviteExperts(campaignId: string): Promise<number> {
    const count = await this.repo.transaction(async (m) => this.queueInvitations(m, await this.repo.claimInvitations(m, campaignId)));
    this.logger.log({ campaignId, count }, 'expert invitations queued');
    return count;
  }

  /** One invitation per expert (not per document): every newly claimed document of theirs, with its due date. */
  private async queueInvitations(m: EntityManager, ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const rows = await this.repo.mailRows(m, ids, 'byExpert');
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
    return this.repo.transaction(async (m) => {
      const oneDay = await this.repo.claimOneDayReminders(m, now);
      const threeDays = await this.repo.claimThreeDayReminders(m, now);
      await this.queueMany(m, oneDay, 'expert-reminder', { days: 1, daysText: '1 день' });
      await this.queueMany(m, threeDays, 'expert-reminder', { days: 3, daysText: '3 дня' });
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
    const rows = await this.repo.mailRows(m, ids, 'byId');
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
