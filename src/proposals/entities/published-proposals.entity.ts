import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Campaign } from '../../campaigns/entities/campaign.entity';
import { ResultsSnapshot } from '../../results/entities/results-snapshot.entity';

/**
 * What the public results page shows of the «Сводка предложений» (figures and grouped proposals per document),
 * computed once per results snapshot instead of on every request (docs/revision.md). One row per campaign, for the
 * snapshot it was computed after; a page finding an older snapshot here computes it again.
 */
@Entity({ name: 'published_proposals' })
export class PublishedProposals {
  @PrimaryColumn({ type: 'uuid', name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Column({ type: 'uuid', name: 'snapshot_id' })
  snapshotId: string;

  @ManyToOne(() => ResultsSnapshot, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'snapshot_id' })
  snapshot?: ResultsSnapshot;

  /** PublishedDocument[] (src/proposals/proposals-summary.service.ts) */
  @Column({ type: 'jsonb' })
  documents: unknown;

  @Column({ type: 'timestamptz', name: 'computed_at' })
  computedAt: Date;
}
