import {
  JoinColumn,
  ManyToOne,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import { User } from '../../accounts/entities/user.entity';
import { Campaign } from '../../campaigns/entities/campaign.entity';
import { CampaignDocument } from '../../campaigns/entities/document.entity';
import { AssignmentStatus } from '../assignment-status';

/** An (expert, document) pair; holds the expert's review. Never assigned twice. */
@Entity({ name: 'assignments' })
@Unique('uq_assignments_expert_document', ['expertId', 'documentId'])
@Index('ix_assignments_campaign', ['campaignId'])
export class Assignment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Index('ix_assignments_document')
  @Column({ type: 'uuid', name: 'document_id' })
  documentId: string;

  @ManyToOne(() => CampaignDocument, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'document_id' })
  document?: CampaignDocument;

  /** The expert's user id. */
  @Column({ type: 'uuid', name: 'expert_id' })
  expertId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'expert_id' })
  expert?: User;

  @Column({ type: 'timestamptz', name: 'due_at', nullable: true })
  dueAt: Date | null;

  @Column({ type: 'text', default: AssignmentStatus.Assigned })
  status: AssignmentStatus;

  /** Set when the organizer assigned despite a conflict of interest. */
  @Column({ type: 'text', name: 'conflict_override_reason', nullable: true })
  conflictOverrideReason: string | null;

  @Column({ type: 'text', nullable: true })
  recommendation: string | null;

  @Column({ type: 'text', name: 'general_comment', default: '' })
  generalComment: string;

  @Column({ type: 'timestamptz', name: 'submitted_at', nullable: true })
  submittedAt: Date | null;

  @Column({ type: 'text', name: 'reopened_reason', nullable: true })
  reopenedReason: string | null;

  @Column({ type: 'timestamptz', name: 'invited_at', nullable: true })
  invitedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'reminded_3d_at', nullable: true })
  reminded3dAt: Date | null;

  @Column({ type: 'timestamptz', name: 'reminded_1d_at', nullable: true })
  reminded1dAt: Date | null;

  @Column({ type: 'uuid', name: 'created_by', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  @VersionColumn({ name: 'row_version' })
  rowVersion: number;
}
