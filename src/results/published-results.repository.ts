import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CampaignStatus } from '../campaigns/campaign-status';

/** Stages whose results the public may see, when the organizers chose to publish them. */
export const PUBLIC_STAGES: readonly string[] = [CampaignStatus.Completed, CampaignStatus.Archived];

export interface FinishedCampaignRow {
  slug: string;
  title: string;
  description: string;
  status: string;
  finished_at: Date;
  results_published: boolean;
  /** respondents of the newest snapshot, when the results are published */
  respondents: number | null;
}

/** What the public pages show of finished campaigns and their published results. */
@Injectable()
export class PublishedResultsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Completed and archived campaigns, newest first, with the respondent count of their published results. */
  finished(limit = 50): Promise<FinishedCampaignRow[]> {
    return this.dataSource.query(
      `SELECT c.slug, c.title, c.description, c.status, c.status_changed_at AS finished_at, c.results_published,
              CASE WHEN c.results_published THEN (s.data -> 'discussion' ->> 'respondents')::int END AS respondents
         FROM campaigns c
         LEFT JOIN LATERAL (SELECT data FROM results_snapshots s WHERE s.campaign_id = c.id
                             ORDER BY s.computed_at DESC LIMIT 1) s ON c.results_published
        WHERE c.status = ANY($1::text[])
        ORDER BY c.status_changed_at DESC NULLS LAST, c.title
        LIMIT $2`,
      [PUBLIC_STAGES, limit],
    );
  }

  /** Whether the public campaign page may link its results page. */
  async resultsPublic(campaignId: string): Promise<boolean> {
    const [row] = await this.dataSource.query(`SELECT status, results_published FROM campaigns WHERE id = $1`, [campaignId]);
    return Boolean(row?.results_published && PUBLIC_STAGES.includes(row.status));
  }
}
