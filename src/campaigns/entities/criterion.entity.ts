import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from './campaign.entity';

@Entity({ name: 'criteria' })
@Index('ix_criteria_campaign', ['campaignId', 'sortOrder'])
export class Criterion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'integer', name: 'sort_order', default: 0 })
  sortOrder: number;
}
