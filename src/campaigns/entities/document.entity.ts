import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from './campaign.entity';

/** A model document under discussion/expertise. Its file lives in versions. */
@Entity({ name: 'documents' })
export class CampaignDocument {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('ix_documents_campaign')
  @Column({ type: 'uuid', name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'text', name: 'direction_code', nullable: true })
  directionCode: string | null;

  /** Authors, for the experts' conflict-of-interest rule. */
  @Column({ type: 'uuid', name: 'author_organization_id', nullable: true })
  authorOrganizationId: string | null;

  @Column({ type: 'uuid', name: 'author_territory_id', nullable: true })
  authorTerritoryId: string | null;

  @Column({ type: 'integer', name: 'sort_order', default: 0 })
  sortOrder: number;

  @Column({ type: 'integer', name: 'current_version_number', default: 0 })
  currentVersionNumber: number;

  /** The version experts score: fixed when expertise opens. */
  @Column({ type: 'integer', name: 'frozen_version_number', nullable: true })
  frozenVersionNumber: number | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
