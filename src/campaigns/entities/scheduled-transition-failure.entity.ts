import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CampaignStatus } from '../campaign-status';
import { Campaign } from './campaign.entity';

/**
 * A scheduled stage move refused at its due time, with the reasons: the scheduler does not try that move again
 * (campaign, target, due time) until the schedule gives it another due time, and the campaign page shows it while the
 * campaign is still in `from_status`. The audit log keeps the same event for the history only.
 */
@Entity({ name: 'scheduled_transition_failures' })
export class ScheduledTransitionFailure {
  @PrimaryColumn({ type: 'uuid', name: 'campaign_id', primaryKeyConstraintName: 'pk_scheduled_transition_failures' })
  campaignId: string;

  @PrimaryColumn({ type: 'text', name: 'to_status', primaryKeyConstraintName: 'pk_scheduled_transition_failures' })
  toStatus: CampaignStatus;

  @PrimaryColumn({ type: 'timestamptz', name: 'due_at', primaryKeyConstraintName: 'pk_scheduled_transition_failures' })
  dueAt: Date;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id', foreignKeyConstraintName: 'fk_scheduled_transition_failures_campaign' })
  campaign?: Campaign;

  @Column({ type: 'text', name: 'from_status' })
  fromStatus: CampaignStatus;

  /** What was missing, in the words of the refusal (Russian sentences, as the organizer reads them). */
  @Column({ type: 'jsonb' })
  reasons: string[];

  @Column({ type: 'timestamptz', name: 'failed_at', default: () => 'now()' })
  failedAt: Date;
}
