import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CampaignStatus } from '../campaigns/campaign-status';
import { Campaign } from '../campaigns/entities/campaign.entity';

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

/**
 * What results read and write of `campaigns`: the public pages' finished campaigns and their published results, the
 * organizers' choice to publish them, and the campaign a results request names. Campaigns imports results, so these
 * statements live here rather than behind campaigns' exports.
 */
@Injectable()
export class PublishedResultsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findCampaign(id: string): Promise<Campaign | null> {
    return this.dataSource.getRepository(Campaign).findOneBy({ id });
  }

  findCampaignBySlug(slug: string): Promise<Campaign | null> {
    return this.dataSource.getRepository(Campaign).findOneBy({ slug });
  }

  /** The publish flag under the campaign's row lock; null when there is no such campaign. */
  async lockPublished(m: EntityManager, campaignId: string): Promise<boolean | null> {
    const [row]: { results_published: boolean }[] = await m.query(`SELECT results_published FROM campaigns WHERE id = $1 FOR UPDATE`, [
      campaignId,
    ]);
    return row ? row.results_published : null;
  }

  async setPublished(m: EntityManager, campaignId: string, published: boolean): Promise<void> {
    await m.query(`UPDATE campaigns SET results_published = $2, updated_at = now(), row_version = row_version + 1 WHERE id = $1`, [
      campaignId,
      published,
    ]);
  }

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
