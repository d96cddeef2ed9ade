import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface UnsubmittedReviewRow {
  expert_name: string;
  document_title: string;
}

export interface WorkCountsRow {
  responses: number;
  assignments: number;
  submitted: number;
  uninvited: number;
}

/** What a stage move leaves undone or closes: counted from the rows, for the confirmation of the move. */
@Injectable()
export class CampaignWorkRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async counts(campaignId: string): Promise<WorkCountsRow> {
    const [row]: WorkCountsRow[] = await this.dataSource.query(
      `SELECT (SELECT coalesce(sum(n), 0)::int FROM response_tally_sums WHERE campaign_id = $1) AS responses,
              (SELECT count(*)::int FROM assignments WHERE campaign_id = $1) AS assignments,
              (SELECT count(*)::int FROM assignments WHERE campaign_id = $1 AND status = 'submitted') AS submitted,
              (SELECT count(*)::int FROM assignments WHERE campaign_id = $1 AND invited_at IS NULL) AS uninvited`,
      [campaignId],
    );
    return row;
  }

  /** The first `limit` reviews not yet submitted, by document then expert. */
  async unsubmitted(campaignId: string, limit: number): Promise<UnsubmittedReviewRow[]> {
    return this.dataSource.query(
      `SELECT u.full_name AS expert_name, d.title AS document_title
         FROM assignments a JOIN users u ON u.id = a.expert_id JOIN documents d ON d.id = a.document_id
        WHERE a.campaign_id = $1 AND a.status <> 'submitted'
        ORDER BY d.sort_order, d.title, u.full_name LIMIT $2`,
      [campaignId, limit],
    );
  }
}
