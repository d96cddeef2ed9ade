import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** What an email about an assignment says: to whom, which campaign and document, and the due date. */
export interface AssignmentMailRow {
  id: string;
  campaign_id: string;
  email: string;
  full_name: string;
  campaign_title: string;
  document_title: string;
  due_at: Date | null;
}

const MAIL_ROWS = `SELECT a.id, a.campaign_id, u.email, u.full_name, c.title AS campaign_title, d.title AS document_title, a.due_at
   FROM assignments a JOIN users u ON u.id = a.expert_id JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id
  WHERE a.id = ANY($1::uuid[])`;

/** Assignments of approved experts in campaigns in expertise: the ones automatic emails are about. */
const IN_EXPERTISE = `FROM campaigns c, expert_profiles p
  WHERE c.id = a.campaign_id AND c.status = 'expertise' AND p.user_id = a.expert_id AND p.status = 'approved'`;

/**
 * The `assignments` stamps of automatic emails (invited_at, reminded_1d_at, reminded_3d_at). Each is claimed by an
 * UPDATE … WHERE <stamp> IS NULL RETURNING in the caller's transaction, the one that queues the email, so each email
 * goes once however often (or concurrently) a job runs.
 */
@Injectable()
export class AssignmentNoticesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Claims every not-yet-invited assignment of the campaign; the ids claimed. */
  async claimInvitations(m: EntityManager, campaignId: string): Promise<string[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount]
    const [claimed]: [{ id: string }[], number] = await m.query(
      `UPDATE assignments a SET invited_at = now() ${IN_EXPERTISE} AND a.campaign_id = $1 AND a.invited_at IS NULL RETURNING a.id`,
      [campaignId],
    );
    return claimed.map((r) => r.id);
  }

  /**
   * Claims the 1-day reminders due at `now`; their 3-day stamp is set too, so a late "3 days" never follows.
   * Claimed before the 3-day ones.
   */
  async claimOneDayReminders(m: EntityManager, now: Date): Promise<string[]> {
    const [claimed]: [{ id: string }[], number] = await m.query(
      `UPDATE assignments a SET reminded_1d_at = $1, reminded_3d_at = coalesce(a.reminded_3d_at, $1)
          ${IN_EXPERTISE} AND a.status <> 'submitted' AND a.due_at > $1
          AND a.due_at <= $1::timestamptz + interval '1 day' AND a.reminded_1d_at IS NULL RETURNING a.id`,
      [now],
    );
    return claimed.map((r) => r.id);
  }

  async claimThreeDayReminders(m: EntityManager, now: Date): Promise<string[]> {
    const [claimed]: [{ id: string }[], number] = await m.query(
      `UPDATE assignments a SET reminded_3d_at = $1
          ${IN_EXPERTISE} AND a.status <> 'submitted' AND a.due_at > $1
          AND a.due_at <= $1::timestamptz + interval '3 days' AND a.reminded_3d_at IS NULL RETURNING a.id`,
      [now],
    );
    return claimed.map((r) => r.id);
  }

  /** The mail rows of these assignments, grouped for invitations (by address, then document order) or by id. */
  mailRows(m: EntityManager, ids: string[], order: 'byExpert' | 'byId'): Promise<AssignmentMailRow[]> {
    const orderBy = order === 'byExpert' ? 'u.email, d.sort_order, d.title, a.id' : 'a.id';
    return m.query(`${MAIL_ROWS} ORDER BY ${orderBy}`, [ids]);
  }
}
