import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OutboxMessage } from './entities/outbox-message.entity';
import { JOB_QUEUE, JobName, JobPayloads } from './queue-registry';

export interface EnqueueOptions {
  /** Not before this many ms from now. */
  delayMs?: number;
  /** While a row with this key is still pending, another enqueue with it is a no-op (debounce). */
  dedupeKey?: string;
}

/**
 * The only way work is enqueued: a row in `outbox`, written with the caller's transaction (pass its manager),
 * so the job exists if and only if the change committed. The worker's OutboxRelay hands rows to Bull.
 */
@Injectable()
export class OutboxService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async enqueue<J extends JobName>(
    manager: EntityManager | null,
    job: J,
    payload: JobPayloads[J],
    options: EnqueueOptions = {},
  ): Promise<void> {
    const m = manager ?? this.dataSource.manager;
    const delay = Math.max(0, Math.floor(options.delayMs ?? 0));
    await m.query(
      `INSERT INTO outbox (queue, job_name, payload, dedupe_key, available_at)
       VALUES ($1, $2, $3::jsonb, $4, now() + ($5::int * interval '1 millisecond'))
       ON CONFLICT (dedupe_key) WHERE dispatched_at IS NULL AND dedupe_key IS NOT NULL DO NOTHING`,
      [JOB_QUEUE[job], job, JSON.stringify(payload), options.dedupeKey ?? null, delay],
    );
  }

  /** Marks the row of a finished job; the relay stops watching it. */
  async markCompleted(outboxId: string): Promise<void> {
    await this.dataSource.getRepository(OutboxMessage).update({ id: outboxId }, { completedAt: () => 'now()' });
  }
}
