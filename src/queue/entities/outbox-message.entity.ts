import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The transactional outbox: written in the same transaction as the change that causes the job; the worker's
 * relay hands each row to Bull with the row id as job id, so a row handed twice is still one job.
 */
@Entity({ name: 'outbox' })
@Index('ix_outbox_pending', ['availableAt'], { where: 'dispatched_at IS NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  queue: string;

  @Column({ type: 'text', name: 'job_name' })
  jobName: string;

  /** At most one pending row per key: used to debounce (e.g. live aggregation of an open stage). */
  @Index('uq_outbox_pending_dedupe', { unique: true, where: 'dispatched_at IS NULL AND dedupe_key IS NOT NULL' })
  @Column({ type: 'text', name: 'dedupe_key', nullable: true })
  dedupeKey: string | null;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  /** Debounce / delay: not handed to Bull before this time. */
  @Column({ type: 'timestamptz', name: 'available_at', default: () => 'now()' })
  availableAt: Date;

  @Column({ type: 'timestamptz', name: 'dispatched_at', nullable: true })
  dispatchedAt: Date | null;

  /** Set by the job handler when it finished; a dispatched row without it is re-sent if Redis lost the job. */
  @Column({ type: 'timestamptz', name: 'completed_at', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'integer', name: 'dispatch_attempts', default: 0 })
  dispatchAttempts: number;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
