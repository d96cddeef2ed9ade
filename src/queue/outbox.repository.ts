import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { JobName, QueueName } from './queue-registry';

/** A row the relay hands to Bull. */
export interface OutboxJobRow {
  id: string;
  queue: QueueName;
  job_name: JobName;
  payload: Record<string, unknown>;
}

export interface NewOutboxRow {
  queue: QueueName;
  jobName: JobName;
  payload: object;
  dedupeKey: string | null;
  delayMs: number;
}

/** Every statement over `outbox`: the writers' insert and the relay's dispatch bookkeeping (docs/reliability.md). */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** In the caller's transaction (null: its own), so the job exists if and only if its cause committed. */
  async insert(manager: EntityManager | null, row: NewOutboxRow): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO outbox (queue, job_name, payload, dedupe_key, available_at)
       VALUES ($1, $2, $3::jsonb, $4, now() + ($5::int * interval '1 millisecond'))
       ON CONFLICT (dedupe_key) WHERE dispatched_at IS NULL AND dedupe_key IS NOT NULL DO NOTHING`,
      [row.queue, row.jobName, JSON.stringify(row.payload), row.dedupeKey, row.delayMs],
    );
  }

  async markCompleted(id: string): Promise<void> {
    await this.dataSource.query(`UPDATE outbox SET completed_at = now() WHERE id = $1`, [id]);
  }

  /** Due rows not yet handed over, locked for this transaction; rows another relay holds are skipped, not waited for. */
  lockDue(m: EntityManager, limit: number): Promise<OutboxJobRow[]> {
    return m.query(
      `SELECT id, queue, job_name, payload FROM outbox
        WHERE dispatched_at IS NULL AND available_at <= now()
        ORDER BY available_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
  }

  async recordDispatchFailure(m: EntityManager, id: string, error: string): Promise<void> {
    await m.query(`UPDATE outbox SET dispatch_attempts = dispatch_attempts + 1, last_error = $2 WHERE id = $1`, [id, error]);
  }

  async markDispatched(manager: EntityManager | null, ids: string[]): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `UPDATE outbox SET dispatched_at = now(), dispatch_attempts = dispatch_attempts + 1 WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  }

  /** Handed over more than `olderThanMs` ago and still not completed: the relay asks Redis whether it still has them. */
  dispatchedUnfinished(olderThanMs: number, limit: number): Promise<OutboxJobRow[]> {
    return this.dataSource.query(
      `SELECT id, queue, job_name, payload FROM outbox
        WHERE dispatched_at IS NOT NULL AND completed_at IS NULL
          AND dispatched_at < now() - ($1::int * interval '1 millisecond')
        ORDER BY dispatched_at LIMIT $2`,
      [olderThanMs, limit],
    );
  }
}
