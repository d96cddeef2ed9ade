import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** One campaign's headline figures, counted from the rows as the snapshot counts them. */
export interface RoundRow {
  id: string;
  title: string;
  status: string;
  started_at: Date;
  respondents: number;
  /** active territories with at least one counted response */
  covered: number;
  /** experts with at least one submitted review */
  experts: number;
  /** active territories of those experts */
  expert_territories: number;
}

export interface RoundDocumentRow {
  campaign_id: string;
  document_id: string;
  title: string;
  /** mean of all submitted criterion scores of the document; null without reviews */
  mean_score: number | null;
  reviews: number;
}

/**
 * The read model of the cross-campaign page: every campaign past its draft, oldest round first (by the opening of
 * its discussion, else its creation), each with its response tallies (docs/results.md «Tallies») and GROUP BYs over its submitted reviews.
 */
@Injectable()
export class RoundsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  rounds(): Promise<RoundRow[]> {
    return this.dataSource.query(
      `WITH per_territory AS (
         SELECT campaign_id, territory_id, sum(n)::int AS n FROM response_tally_sums WHERE NOT excluded GROUP BY 1, 2 HAVING sum(n) > 0),
       resp AS (
         SELECT c.campaign_id, sum(c.n)::int AS respondents, count(*) FILTER (WHERE t.active)::int AS covered
           FROM per_territory c JOIN territories t ON t.id = c.territory_id GROUP BY c.campaign_id),
       exp AS (
         SELECT a.campaign_id, count(DISTINCT a.expert_id)::int AS experts,
                count(DISTINCT p.territory_id) FILTER (WHERE t.active)::int AS expert_territories
           FROM assignments a
           LEFT JOIN expert_profiles p ON p.user_id = a.expert_id
           LEFT JOIN territories t ON t.id = p.territory_id
          WHERE a.status = 'submitted' GROUP BY a.campaign_id)
       SELECT c.id, c.title, c.status, COALESCE(c.discussion_opens_at, c.created_at) AS started_at,
              COALESCE(resp.respondents, 0) AS respondents, COALESCE(resp.covered, 0) AS covered,
              COALESCE(exp.experts, 0) AS experts, COALESCE(exp.expert_territories, 0) AS expert_territories
         FROM campaigns c
         LEFT JOIN resp ON resp.campaign_id = c.id
         LEFT JOIN exp ON exp.campaign_id = c.id
        WHERE c.status <> 'draft'
        ORDER BY COALESCE(c.discussion_opens_at, c.created_at), c.created_at, c.id`,
    );
  }

  async activeTerritories(): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM territories WHERE active`);
    return row.n;
  }

  documents(): Promise<RoundDocumentRow[]> {
    return this.dataSource.query(
      `SELECT d.campaign_id, d.id AS document_id, d.title,
              round(avg(s.score)::numeric, 2)::float8 AS mean_score, count(DISTINCT a.id)::int AS reviews
         FROM documents d
         JOIN campaigns c ON c.id = d.campaign_id AND c.status <> 'draft'
         LEFT JOIN assignments a ON a.document_id = d.id AND a.status = 'submitted'
         LEFT JOIN review_scores s ON s.assignment_id = a.id
        GROUP BY d.campaign_id, d.id, d.title, d.sort_order, d.created_at
        ORDER BY d.campaign_id, d.sort_order, d.created_at, d.id`,
    );
  }
}
