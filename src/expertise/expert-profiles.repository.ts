import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Candidate } from './assignment-rules';
import { ExpertStatus } from './expert-status';

/** A registry entry with what the registry shows of its account and territory. */
export interface ExpertRow {
  user_id: string;
  status: ExpertStatus;
  email: string;
  full_name: string;
  email_confirmed_at: Date | null;
  territory_id: string;
  territory_name: string;
  territory_kind: string;
  organization_id: string | null;
  organization_name: string;
  position: string;
  competences: string[];
  about: string;
  status_reason: string | null;
  decided_at: Date | null;
  created_at: Date;
}

export interface ExpertRowFilter {
  status: string | null;
  competence: string | null;
  territoryId: string | null;
}

/** What a decision on a registry entry needs, read under the row lock. */
export interface DecisionTargetRow {
  status: ExpertStatus;
  email: string;
  full_name: string;
  email_confirmed_at: Date | null;
}

export interface NewProfile {
  userId: string;
  territoryId: string;
  organizationId: string | null;
  organizationName: string;
  position: string;
  competences: string[];
  about: string;
  consentVersion: string;
}

/** An approved expert as the assignment form lists them. */
export interface ApprovedExpertRow {
  id: string;
  fullName: string;
  territoryName: string;
  organizationName: string;
  competences: string[];
}

const EXPERT_SQL = `SELECT p.user_id, p.status, u.email, u.full_name, u.email_confirmed_at, p.territory_id, t.name AS territory_name,
       t.kind AS territory_kind, p.organization_id, p.organization_name, p.position, p.competences, p.about, p.status_reason,
       p.decided_at, p.created_at
  FROM expert_profiles p JOIN users u ON u.id = p.user_id JOIN territories t ON t.id = p.territory_id`;

/**
 * The `expert_profiles` table (the registry). Reads join the expert's account (`users`) and territory for display;
 * the account's `active` flag follows suspension (docs/architecture.md lists these reads across the wall).
 * Methods that must run inside a caller's transaction take its EntityManager first; reads take it last, optionally.
 */
@Injectable()
export class ExpertProfilesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  list(f: ExpertRowFilter): Promise<ExpertRow[]> {
    return this.dataSource.query(
      `${EXPERT_SQL}
        WHERE ($1::text IS NULL OR p.status = $1) AND ($2::text IS NULL OR $2 = ANY(p.competences))
          AND ($3::uuid IS NULL OR p.territory_id = $3)
        ORDER BY u.full_name, u.email`,
      [f.status, f.competence, f.territoryId],
    );
  }

  async find(userId: string): Promise<ExpertRow | null> {
    const rows: ExpertRow[] = await this.dataSource.query(`${EXPERT_SQL} WHERE p.user_id = $1`, [userId]);
    return rows[0] ?? null;
  }

  async lockForDecision(m: EntityManager, userId: string): Promise<DecisionTargetRow | null> {
    const rows: DecisionTargetRow[] = await m.query(
      `SELECT p.status, u.email, u.full_name, u.email_confirmed_at FROM expert_profiles p JOIN users u ON u.id = p.user_id
        WHERE p.user_id = $1 FOR UPDATE OF p`,
      [userId],
    );
    return rows[0] ?? null;
  }

  async recordDecision(m: EntityManager, userId: string, to: ExpertStatus, reason: string | null, actorId: string): Promise<void> {
    await m.query(
      `UPDATE expert_profiles SET status = $2, status_reason = $3, decided_by = $4, decided_at = now(), updated_at = now() WHERE user_id = $1`,
      [userId, to, reason, actorId],
    );
  }

  /** Suspension blocks the expert's account and restoring unblocks it (accounts offers no such write). */
  async setAccountActive(m: EntityManager, userId: string, active: boolean): Promise<void> {
    await m.query(`UPDATE users SET active = $2, updated_at = now() WHERE id = $1`, [userId, active]);
  }

  async insert(m: EntityManager, p: NewProfile): Promise<void> {
    await m.query(
      `INSERT INTO expert_profiles (user_id, status, territory_id, organization_id, organization_name, position, competences, about,
                                    consent_version, consent_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8, $9, now())`,
      [
        p.userId,
        ExpertStatus.Applied,
        p.territoryId,
        p.organizationId,
        p.organizationName,
        p.position,
        p.competences,
        p.about,
        p.consentVersion,
      ],
    );
  }

  /** A known organization of the territory with this name, case-insensitive (the conflict-of-interest rule sees it). */
  async organizationNamed(m: EntityManager, territoryId: string, name: string): Promise<string | null> {
    const rows: { id: string }[] = await m.query(
      `SELECT id FROM organizations WHERE territory_id = $1 AND lower(name) = lower($2) LIMIT 1`,
      [territoryId, name],
    );
    return rows[0]?.id ?? null;
  }

  approved(): Promise<ApprovedExpertRow[]> {
    return this.dataSource.query(
      `SELECT p.user_id AS id, u.full_name AS "fullName", t.name AS "territoryName", p.organization_name AS "organizationName", p.competences
         FROM expert_profiles p JOIN users u ON u.id = p.user_id JOIN territories t ON t.id = p.territory_id
        WHERE p.status = 'approved' ORDER BY u.full_name, u.id`,
    );
  }

  /** The named experts, whatever their status (the caller refuses the unapproved by name). */
  candidatesByIds(m: EntityManager, ids: string[]): Promise<(Candidate & { status: ExpertStatus })[]> {
    return m.query(
      `SELECT p.user_id AS id, u.full_name, p.territory_id, p.organization_id, p.competences, p.status
         FROM expert_profiles p JOIN users u ON u.id = p.user_id WHERE p.user_id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** Approved experts, those with the competence only when one is given. */
  approvedCandidates(m: EntityManager, competence: string | null): Promise<Candidate[]> {
    return m.query(
      `SELECT p.user_id AS id, u.full_name, p.territory_id, p.organization_id, p.competences
         FROM expert_profiles p JOIN users u ON u.id = p.user_id
        WHERE p.status = 'approved' AND ($1::text IS NULL OR $1 = ANY(p.competences)) ORDER BY p.user_id`,
      [competence],
    );
  }
}
