import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CampaignStatus } from '../campaigns/campaign-status';
import { ScaleLabel } from '../campaigns/entities/campaign.entity';
import { AssignmentStatus } from './assignment-status';

/** The assignment page's filter of approved experts. */
export interface CandidateFilter {
  /** Part of the name, case-insensitive. */
  q?: string;
  territoryId?: string;
  competence?: string;
  /** At most this many open assignments (not submitted, in campaigns not yet completed). */
  maxLoad?: number;
}

export interface CandidateRow {
  id: string;
  full_name: string;
  territory_id: string;
  territory_name: string;
  organization_id: string | null;
  organization_name: string;
  competences: string[];
  /** Open assignments across all campaigns still running. */
  load: number;
  /** Assignments in this campaign. */
  here: number;
}

export interface PlanDocRow {
  id: string;
  title: string;
  direction_code: string | null;
  author_organization_id: string | null;
  author_territory_id: string | null;
}

export interface ExpertHistoryRow {
  campaign_id: string;
  campaign_title: string;
  campaign_status: string;
  assigned: number;
  submitted: number;
  on_time: number;
  late: number;
  not_done: number;
}

/** An assignment as the organizer's list shows it. */
export interface AssignmentListRow {
  id: string;
  campaign_id: string;
  expert_id: string;
  document_id: string;
  due_at: Date | null;
  status: AssignmentStatus;
  invited_at: Date | null;
  submitted_at: Date | null;
  conflict_override_reason: string | null;
  reopened_reason: string | null;
  full_name: string;
  email: string;
  territory_id: string;
  organization_name: string;
  document_title: string;
  late: boolean;
}

export interface CampaignRow {
  id: string;
  title: string;
  status: CampaignStatus;
}

export interface FormDocumentRow {
  id: string;
  title: string;
  directionCode: string | null;
  directionName: string | null;
}

/** Whose assignment is locked: the organizer's (of a campaign) or the expert's own (approved experts only). */
export type AssignmentScope = { id: string; campaignId: string } | { id: string; expertId: string };

/** An assignment locked for a change, with its campaign's stage and scale. */
export interface LockedAssignmentRow {
  id: string;
  campaign_id: string;
  expert_id: string;
  document_id: string;
  status: AssignmentStatus;
  submitted_at: Date | null;
  campaign_status: CampaignStatus;
  criterion_scale: ScaleLabel[];
}

/** The row after a status move (AssignmentLifecycleService); review fields only when the move writes them. */
export interface AssignmentMovePatch {
  status: AssignmentStatus;
  submittedNow: boolean;
  review?: { recommendation: string | null; comment: string };
  reopenedReason?: string;
}

export interface PairRow {
  expert_id: string;
  document_id: string;
}

/** Escapes LIKE wildcards in user text (the pattern is then a plain substring match). */
function likeText(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The `assignments` table: the organizer's list and page (candidates with their load, the plan's pairs), creating and
 * removing pairs, locking one for a change, and the expert's history. Reads join the campaign, its documents and the
 * expert's account for display (docs/architecture.md lists these reads across the wall). Methods that must run in a
 * caller's transaction take its EntityManager first; reads take it last, optionally.
 */
@Injectable()
export class AssignmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async campaign(id: string): Promise<CampaignRow | null> {
    const rows: CampaignRow[] = await this.dataSource.query(`SELECT id, title, status FROM campaigns WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** The campaign's documents with their direction's name, for the assignment form. */
  formDocuments(campaignId: string): Promise<FormDocumentRow[]> {
    return this.dataSource.query(
      `SELECT d.id, d.title, d.direction_code AS "directionCode", dir.name AS "directionName"
         FROM documents d LEFT JOIN directions dir ON dir.code = d.direction_code
        WHERE d.campaign_id = $1 ORDER BY d.sort_order, d.created_at, d.id`,
      [campaignId],
    );
  }

  /** The campaign's assignments (only `ids` when given), with `late`: not submitted and past the due date. */
  list(campaignId: string, ids: string[] | null): Promise<AssignmentListRow[]> {
    return this.dataSource.query(
      `SELECT a.id, a.campaign_id, a.expert_id, a.document_id, a.due_at, a.status, a.invited_at, a.submitted_at,
              a.conflict_override_reason, a.reopened_reason, u.full_name, u.email, p.territory_id, p.organization_name,
              d.title AS document_title, (a.status <> 'submitted' AND a.due_at IS NOT NULL AND a.due_at < now()) AS late
         FROM assignments a JOIN users u ON u.id = a.expert_id JOIN expert_profiles p ON p.user_id = a.expert_id
         JOIN documents d ON d.id = a.document_id
        WHERE a.campaign_id = $1 AND ($2::uuid[] IS NULL OR a.id = ANY($2::uuid[]))
        ORDER BY d.sort_order, d.title, u.full_name, a.id`,
      [campaignId, ids],
    );
  }

  /** Locks one assignment (FOR UPDATE) until the transaction ends; null when it is not in the scope. */
  async lock(m: EntityManager, scope: AssignmentScope): Promise<LockedAssignmentRow | null> {
    const byExpert = 'expertId' in scope;
    const rows: LockedAssignmentRow[] = await m.query(
      `SELECT a.id, a.campaign_id, a.expert_id, a.document_id, a.status, a.submitted_at, c.status AS campaign_status, c.criterion_scale
         FROM assignments a JOIN campaigns c ON c.id = a.campaign_id
        ${byExpert ? `JOIN expert_profiles p ON p.user_id = a.expert_id AND p.status = 'approved'` : ''}
        WHERE a.id = $1 AND ${byExpert ? 'a.expert_id' : 'a.campaign_id'} = $2 FOR UPDATE OF a`,
      [scope.id, byExpert ? scope.expertId : scope.campaignId],
    );
    return rows[0] ?? null;
  }

  async applyMove(m: EntityManager, id: string, p: AssignmentMovePatch): Promise<void> {
    await m.query(
      `UPDATE assignments SET status = $2, submitted_at = CASE WHEN $3 THEN now() END,
              recommendation = CASE WHEN $4 THEN $5 ELSE recommendation END,
              general_comment = CASE WHEN $4 THEN $6 ELSE general_comment END,
              reopened_reason = coalesce($7, reopened_reason), updated_at = now(), row_version = row_version + 1
        WHERE id = $1`,
      [
        id,
        p.status,
        p.submittedNow,
        Boolean(p.review),
        p.review?.recommendation ?? null,
        p.review?.comment ?? null,
        p.reopenedReason ?? null,
      ],
    );
  }

  async delete(m: EntityManager, id: string): Promise<void> {
    await m.query(`DELETE FROM assignments WHERE id = $1`, [id]);
  }

  /** Creates the pair unless it exists (the unique key); the new id, or null. */
  async insertPair(
    m: EntityManager,
    pair: { campaignId: string; expertId: string; documentId: string; dueAt: Date | null; overrideReason: string | null; actorId: string },
  ): Promise<string | null> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO assignments (campaign_id, document_id, expert_id, due_at, conflict_override_reason, created_by, row_version)
       VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT ON CONSTRAINT uq_assignments_expert_document DO NOTHING RETURNING id`,
      [pair.campaignId, pair.documentId, pair.expertId, pair.dueAt, pair.overrideReason, pair.actorId],
    );
    return rows[0]?.id ?? null;
  }

  /** Every pair of the campaign with the expert's territory (bulk planning balances territories). */
  campaignPairs(m: EntityManager, campaignId: string): Promise<(PairRow & { territory_id: string })[]> {
    return m.query(
      `SELECT a.expert_id, a.document_id, p.territory_id FROM assignments a JOIN expert_profiles p ON p.user_id = a.expert_id
        WHERE a.campaign_id = $1`,
      [campaignId],
    );
  }

  /** The named documents that belong to the campaign (in table order: the refusals list pairs in that order). */
  campaignDocumentsById(m: EntityManager, campaignId: string, ids: string[]): Promise<PlanDocRow[]> {
    return m.query(
      `SELECT id, title, direction_code, author_organization_id, author_territory_id FROM documents WHERE id = ANY($1::uuid[]) AND campaign_id = $2`,
      [ids, campaignId],
    );
  }

  /** The campaign's documents, those of one direction only when given. */
  campaignDocuments(m: EntityManager, campaignId: string, direction: string | null): Promise<PlanDocRow[]> {
    return m.query(
      `SELECT id, title, direction_code, author_organization_id, author_territory_id FROM documents
        WHERE campaign_id = $1 AND ($2::text IS NULL OR direction_code = $2) ORDER BY sort_order, created_at, id`,
      [campaignId, direction],
    );
  }

  async candidates(campaignId: string, f: CandidateFilter): Promise<CandidateRow[]> {
    return this.dataSource.query(
      `WITH load AS (
         SELECT a.expert_id, count(*) FILTER (WHERE a.status <> 'submitted' AND c.status IN ('draft','discussion','revision','expertise'))::int AS load,
                count(*) FILTER (WHERE a.campaign_id = $1)::int AS here
           FROM assignments a JOIN campaigns c ON c.id = a.campaign_id GROUP BY a.expert_id)
       SELECT p.user_id AS id, u.full_name, p.territory_id, t.name AS territory_name, p.organization_id, p.organization_name,
              p.competences, coalesce(l.load, 0) AS load, coalesce(l.here, 0) AS here
         FROM expert_profiles p JOIN users u ON u.id = p.user_id JOIN territories t ON t.id = p.territory_id
         LEFT JOIN load l ON l.expert_id = p.user_id
        WHERE p.status = 'approved'
          AND ($2::text IS NULL OR u.full_name ILIKE '%' || $2 || '%')
          AND ($3::uuid IS NULL OR p.territory_id = $3)
          AND ($4::text IS NULL OR $4 = ANY(p.competences))
          AND ($5::int IS NULL OR coalesce(l.load, 0) <= $5)
        ORDER BY u.full_name, u.id`,
      [campaignId, f.q ? likeText(f.q) : null, f.territoryId ?? null, f.competence ?? null, f.maxLoad ?? null],
    );
  }

  async documents(campaignId: string, ids: string[]): Promise<PlanDocRow[]> {
    return this.dataSource.query(
      `SELECT id, title, direction_code, author_organization_id, author_territory_id FROM documents
        WHERE campaign_id = $1 AND id = ANY($2::uuid[]) ORDER BY sort_order, title`,
      [campaignId, ids],
    );
  }

  async existingPairs(expertIds: string[], documentIds: string[], m: EntityManager = this.dataSource.manager): Promise<PairRow[]> {
    return m.query(`SELECT expert_id, document_id FROM assignments WHERE expert_id = ANY($1::uuid[]) AND document_id = ANY($2::uuid[])`, [
      expertIds,
      documentIds,
    ]);
  }

  /** Each campaign the expert took part in: reviews submitted, on time or late, and not done after the close. */
  async expertHistory(expertId: string): Promise<ExpertHistoryRow[]> {
    return this.dataSource.query(
      `SELECT c.id AS campaign_id, c.title AS campaign_title, c.status AS campaign_status, count(*)::int AS assigned,
              count(*) FILTER (WHERE a.status = 'submitted')::int AS submitted,
              count(*) FILTER (WHERE a.status = 'submitted' AND (a.due_at IS NULL OR a.submitted_at <= a.due_at))::int AS on_time,
              count(*) FILTER (WHERE a.status = 'submitted' AND a.due_at IS NOT NULL AND a.submitted_at > a.due_at)::int AS late,
              count(*) FILTER (WHERE a.status <> 'submitted' AND c.status IN ('completed','archived'))::int AS not_done
         FROM assignments a JOIN campaigns c ON c.id = a.campaign_id
        WHERE a.expert_id = $1
        GROUP BY c.id, c.title, c.status, c.created_at ORDER BY c.created_at DESC`,
      [expertId],
    );
  }
}
