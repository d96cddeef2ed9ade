import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Campaign } from '../../campaigns/entities/campaign.entity';
import { Territory } from '../../reference/entities/territory.entity';

/**
 * One respondent's submitted questionnaire. Anonymous and immutable: the only later change is the organizer's
 * exclusion of a suspected duplicate (with a reason). Written by raw SQL on the hot path (DiscussionService).
 */
@Entity({ name: 'responses' })
@Unique('uq_responses_idempotency', ['campaignId', 'idempotencyKey'])
// live coverage (counted responses per territory) reads this index only
@Index('ix_responses_campaign_territory', ['campaignId', 'territoryId', 'excluded'])
// reports stream a campaign's counted responses in (created_at, id) order, batch by batch (keyset pagination)
// a suspected duplicate is the same client (the hash includes the campaign) sending an identical body: one index probe per insert
@Index('ix_responses_client_body', ['clientHash', 'bodyHash'])
@Index('ix_responses_campaign_included', ['campaignId', 'createdAt', 'id'], { where: 'excluded = false' })
export class Response {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  /** What the respondent is shown on the thank-you page. */
  @Index('uq_responses_receipt', { unique: true })
  @Column({ type: 'text' })
  receipt: string;

  @Column({ type: 'text', name: 'idempotency_key' })
  idempotencyKey: string;

  /** sha256 of the canonical body: the same key with another body is refused. */
  @Column({ type: 'text', name: 'body_hash' })
  bodyHash: string;

  @Column({ type: 'uuid', name: 'territory_id' })
  territoryId: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_id' })
  territory?: Territory;

  @Column({ type: 'text', name: 'organization_type' })
  organizationType: string;

  @Column({ type: 'text' })
  position: string;

  @Column({ type: 'uuid', name: 'organization_id', nullable: true })
  organizationId: string | null;

  @Column({ type: 'text', name: 'organization_name', nullable: true })
  organizationName: string | null;

  /** Salted hash of client traits (address + user agent); never the raw address. */
  @Column({ type: 'text', name: 'client_hash' })
  clientHash: string;

  @Column({ type: 'boolean', name: 'suspected_duplicate', default: false })
  suspectedDuplicate: boolean;

  @Column({ type: 'boolean', default: false })
  excluded: boolean;

  @Column({ type: 'text', name: 'excluded_reason', nullable: true })
  excludedReason: string | null;

  @Column({ type: 'uuid', name: 'excluded_by', nullable: true })
  excludedBy: string | null;

  @Column({ type: 'timestamptz', name: 'excluded_at', nullable: true })
  excludedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
