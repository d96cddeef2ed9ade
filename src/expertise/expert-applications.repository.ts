import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface UnconfirmedApplicantRow {
  id: string;
  email: string;
  full_name: string;
}

export interface PendingApplicationRow {
  full_name: string;
  territory_name: string;
  created_at: Date;
}

/** SQL of the registry's upkeep: applications waiting for a decision, unconfirmed applicants, the daily digest. */
@Injectable()
export class ExpertApplicationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Applications an organizer can decide now: applied, with the email confirmed. */
  async pendingCount(): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM expert_profiles p JOIN users u ON u.id = p.user_id
        WHERE p.status = 'applied' AND u.email_confirmed_at IS NOT NULL`,
    );
    return row.n;
  }

  async pending(m: EntityManager, limit: number): Promise<PendingApplicationRow[]> {
    return m.query(
      `SELECT u.full_name, t.name AS territory_name, p.created_at
         FROM expert_profiles p JOIN users u ON u.id = p.user_id JOIN territories t ON t.id = p.territory_id
        WHERE p.status = 'applied' AND u.email_confirmed_at IS NOT NULL ORDER BY p.created_at LIMIT $1`,
      [limit],
    );
  }

  async unconfirmedApplicant(email: string): Promise<UnconfirmedApplicantRow | null> {
    const rows: UnconfirmedApplicantRow[] = await this.dataSource.query(
      `SELECT u.id, u.email, u.full_name FROM users u JOIN expert_profiles p ON p.user_id = u.id
        WHERE lower(u.email) = lower($1) AND u.email_confirmed_at IS NULL AND p.status = 'applied' AND u.active`,
      [email],
    );
    return rows[0] ?? null;
  }

  /** Active organizers: who gets the digest. */
  async organizerEmails(m: EntityManager): Promise<{ email: string; full_name: string }[]> {
    return m.query(`SELECT email, full_name FROM users WHERE role = 'organizer' AND active ORDER BY email`);
  }

  /**
   * Claims the digest of one local day: a transaction-scoped advisory lock serialises workers, and the audit row
   * written by the claimer makes every later tick of that day a no-op.
   */
  async claimDigestDay(m: EntityManager, day: string): Promise<boolean> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('expert-applications-digest'))`);
    const done = await m.query(`SELECT 1 FROM audit_log WHERE action = 'expert.applications_digest' AND after->>'day' = $1 LIMIT 1`, [day]);
    return done.length === 0;
  }
}
