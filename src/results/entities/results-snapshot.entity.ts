import { JoinColumn, ManyToOne, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from '../../campaigns/entities/campaign.entity';

/** A computed set of results; the newest per campaign is "the" results. */
@Entity({ name: 'results_snapshots' })
@Index('ix_results_snapshots_campaign', ['campaignId', 'computedAt'])
export class ResultsSnapshot {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  /** The campaign status when computed. */
  @Column({ type: 'text' })
  stage: string;

  @Column({ type: 'timestamptz', name: 'computed_at' })
  computedAt: Date;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;
}
