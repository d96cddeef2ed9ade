import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { CampaignStatus } from '../campaign-status';

export interface ScaleLabel {
  score: number;
  label: string;
}

@Entity({ name: 'campaigns' })
export class Campaign {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('uq_campaigns_slug', { unique: true })
  @Column({ type: 'text' })
  slug: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Index('ix_campaigns_status')
  @Column({ type: 'text', default: CampaignStatus.Draft })
  status: CampaignStatus;

  @Column({ type: 'timestamptz', name: 'discussion_opens_at', nullable: true })
  discussionOpensAt: Date | null;

  @Column({ type: 'timestamptz', name: 'discussion_closes_at', nullable: true })
  discussionClosesAt: Date | null;

  @Column({ type: 'timestamptz', name: 'expertise_opens_at', nullable: true })
  expertiseOpensAt: Date | null;

  @Column({ type: 'timestamptz', name: 'expertise_closes_at', nullable: true })
  expertiseClosesAt: Date | null;

  /** The expert scale, 0..2 with labels by default (reference.json). */
  @Column({ type: 'jsonb', name: 'criterion_scale' })
  criterionScale: ScaleLabel[];

  /** Set when expertise opens: criteria and document versions no longer change. */
  @Column({ type: 'timestamptz', name: 'frozen_at', nullable: true })
  frozenAt: Date | null;

  @Column({ type: 'boolean', name: 'results_published', default: false })
  resultsPublished: boolean;

  /** Extra addresses (besides organizers) that receive the final report. */
  @Column({ type: 'text', array: true, name: 'report_recipients', default: () => "'{}'" })
  reportRecipients: string[];

  @Column({ type: 'timestamptz', name: 'status_changed_at', nullable: true })
  statusChangedAt: Date | null;

  @Column({ type: 'uuid', name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  @VersionColumn({ name: 'row_version' })
  rowVersion: number;
}
