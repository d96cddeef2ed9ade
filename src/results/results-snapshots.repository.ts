import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ResultsSnapshot } from './entities/results-snapshot.entity';
import type { ResultsData } from './results-snapshot.types';

export interface StoredSnapshotRow {
  id: string;
  computed_at: Date;
}

/** Every statement over `results_snapshots` made by ResultsService (their figures come from the aggregation read model). */
@Injectable()
export class ResultsSnapshotsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(campaignId: string, stage: string, data: ResultsData): Promise<StoredSnapshotRow> {
    const [row]: StoredSnapshotRow[] = await this.dataSource.query(
      `INSERT INTO results_snapshots (campaign_id, stage, computed_at, data) VALUES ($1, $2, now(), $3::jsonb) RETURNING id, computed_at`,
      [campaignId, stage, JSON.stringify(data)],
    );
    return row;
  }

  /** The newest snapshot of a campaign, or null before the first. */
  latest(campaignId: string): Promise<ResultsSnapshot | null> {
    return this.dataSource.getRepository(ResultsSnapshot).findOne({ where: { campaignId }, order: { computedAt: 'DESC' } });
  }

  /**
   * Campaigns in an open stage whose counted responses or assignments changed since their newest snapshot (minus
   * `marginSeconds`). Reads `responses` and `assignments` for their timestamps only: the freshness test of the figures.
   */
  async staleOpenCampaignIds(marginSeconds: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT c.id FROM campaigns c
        LEFT JOIN LATERAL (SELECT max(s.computed_at) - interval '${marginSeconds} seconds' AS since
                             FROM results_snapshots s WHERE s.campaign_id = c.id) last ON true
        WHERE c.status IN ('discussion', 'expertise')
          AND (EXISTS (SELECT 1 FROM responses r WHERE r.campaign_id = c.id AND NOT r.excluded
                          AND (last.since IS NULL OR r.created_at > last.since))
            OR EXISTS (SELECT 1 FROM assignments a WHERE a.campaign_id = c.id AND a.updated_at > coalesce(last.since, '-infinity')))`,
    );
    return rows.map((r) => r.id);
  }
}
