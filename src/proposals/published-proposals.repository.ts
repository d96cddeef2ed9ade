import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { PublishedDocument } from './proposals-summary.service';

/** The campaign's newest snapshot and what `published_proposals` holds for it. */
export interface PublishedProposalsRow {
  /** the campaign's newest results snapshot */
  latest_snapshot_id: string;
  /** the snapshot the stored summary was computed after (null: none stored) */
  snapshot_id: string | null;
  /** when it was stored, as text: the version an in-process copy is compared with */
  version: string | null;
  /** only when stored for the newest snapshot and of another version than the caller holds */
  documents: PublishedDocument[] | null;
}

/** SQL over `published_proposals` (the public page's summary kept per results snapshot). */
@Injectable()
export class PublishedProposalsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One round trip: the newest snapshot of the campaign, and the stored summary's key; its documents only when they
   * belong to that snapshot and differ from the version the caller already holds. No row: no snapshot yet.
   */
  async forLatestSnapshot(campaignId: string, heldVersion: string | null): Promise<PublishedProposalsRow | null> {
    const rows: PublishedProposalsRow[] = await this.dataSource.query(
      `SELECT s.id AS latest_snapshot_id, p.snapshot_id, p.computed_at::text AS version,
              CASE WHEN p.snapshot_id = s.id AND p.computed_at::text IS DISTINCT FROM $2 THEN p.documents END AS documents
         FROM (SELECT id FROM results_snapshots WHERE campaign_id = $1 ORDER BY computed_at DESC LIMIT 1) s
         LEFT JOIN published_proposals p ON p.campaign_id = $1`,
      [campaignId, heldVersion],
    );
    return rows[0] ?? null;
  }

  /**
   * Stores the summary computed after `snapshotId`, unless one computed after a newer snapshot is already there (two
   * aggregations finishing out of order). Returns the stored version, or null when a newer one was kept.
   */
  async save(campaignId: string, snapshotId: string, documents: PublishedDocument[]): Promise<string | null> {
    const rows: { version: string }[] = await this.dataSource.query(
      `INSERT INTO published_proposals AS p (campaign_id, snapshot_id, documents, computed_at)
       VALUES ($1, $2, $3::jsonb, clock_timestamp())
       ON CONFLICT (campaign_id) DO UPDATE
          SET snapshot_id = EXCLUDED.snapshot_id, documents = EXCLUDED.documents, computed_at = EXCLUDED.computed_at
        WHERE (SELECT computed_at FROM results_snapshots WHERE id = EXCLUDED.snapshot_id)
           >= (SELECT computed_at FROM results_snapshots WHERE id = p.snapshot_id)
       RETURNING computed_at::text AS version`,
      [campaignId, snapshotId, JSON.stringify(documents)],
    );
    return rows[0]?.version ?? null;
  }
}
