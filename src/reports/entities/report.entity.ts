import { JoinColumn, ManyToOne, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Campaign } from '../../campaigns/entities/campaign.entity';
import { CsvDialect, ReportFormat, ReportKind, ReportStatus } from '../report-status';

@Entity({ name: 'reports' })
@Index('ix_reports_campaign', ['campaignId', 'createdAt'])
// one set of final reports per closed stage: the stage-closed pipeline inserts them ON CONFLICT DO NOTHING
@Index('uq_reports_final', ['campaignId', 'finalStage', 'format'], { unique: true, where: 'final_stage IS NOT NULL' })
export class Report {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Column({ type: 'text' })
  kind: ReportKind;

  @Column({ type: 'text' })
  format: ReportFormat;

  /** CSV reports only: the dialect the file is written in (null for other formats and CSVs from before dialects). */
  @Column({ type: 'text', name: 'csv_dialect', nullable: true })
  csvDialect: CsvDialect | null;

  @Column({ type: 'text', default: ReportStatus.Queued })
  status: ReportStatus;

  /** 0..100 while rendering. */
  @Column({ type: 'integer', default: 0 })
  progress: number;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** The snapshot the report was rendered from. */
  @Column({ type: 'uuid', name: 'snapshot_id', nullable: true })
  snapshotId: string | null;

  @Column({ type: 'text', name: 'storage_key', nullable: true })
  storageKey: string | null;

  @Column({ type: 'text', name: 'file_name', nullable: true })
  fileName: string | null;

  @Column({
    type: 'bigint',
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  size: number | null;

  /** Set for the report rendered when a stage closed, which is emailed to organizers. */
  @Column({ type: 'boolean', name: 'email_on_ready', default: false })
  emailOnReady: boolean;

  /** The closed stage (discussion | expertise) this report is the final report of; null for reports on request. */
  @Column({ type: 'text', name: 'final_stage', nullable: true })
  finalStage: string | null;

  @Column({ type: 'uuid', name: 'requested_by', nullable: true })
  requestedBy: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt: Date | null;
}
