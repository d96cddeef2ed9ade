import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

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

/** Escapes LIKE wildcards in user text (the pattern is then a plain substring match). */
function likeText(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** SQL for the organizer's assignment page (candidates with their load, pairs for the preview) and expert history. */
@Injectable()
export class AssignmentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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

  async existingPairs(expertIds: string[], documentIds: string[]): Promise<{ expert_id: string; document_id: string }[]> {
    return this.dataSource.query(
      `SELECT expert_id, document_id FROM assignments WHERE expert_id = ANY($1::uuid[]) AND document_id = ANY($2::uuid[])`,
      [expertIds, documentIds],
    );
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
