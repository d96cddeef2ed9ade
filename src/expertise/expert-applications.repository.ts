import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface PendingApplicationRow {
  full_name: string;
  territory_name: string;
  created_at: Date;
}

export interface AccountRow {
  id: string;
  email: string;
  full_name: string;
}

/**
 * SQL of applications and the registry's upkeep: applications waiting for a decision, unconfirmed applicants, the
 * daily digest, the confirmed address. The applicant's account is a `users` row: the reads and the one write
 * (`email_confirmed_at`) here cross into accounts' table (docs/architecture.md lists them).
 */
@Injectable()
export class ExpertApplicationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The account that holds this (normalised) address, read in the caller's transaction. */
  async accountByEmail(m: EntityManager, email: string): Promise<AccountRow | null> {
    const rows: AccountRow[] = await m.query(`SELECT id, email, full_name FROM users WHERE email = $1`, [email]);
    return rows[0] ?? null;
  }

  async confirmEmail(m: EntityManager, userId: string): Promise<void> {
    await m.query(`UPDATE users SET email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now() WHERE id = $1`, [userId]);
  }

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

  async unconfirmedApplicant(email: string): Promise<AccountRow | null> {
    const rows: AccountRow[] = await this.dataSource.query(
      `SELECT u.id, u.email, u.full_name FROM users u JOIN expert_profiles p ON p.user_id = u.id
        WHERE lower(u.email) = lower($1) AND u.email_confirmed_at IS NULL AND p.status = 'applied' AND u.active`,
      [email],
    );
    return rows[0] ?? null;
  }

  /** Active organizers: who gets the digest. */
  async organizerEmails(m: EntityManager): Promise<Omit<AccountRow, 'id'>[]> {
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
