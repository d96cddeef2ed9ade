import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { OutboxRepository } from './outbox.repository';
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
  constructor(private readonly rows: OutboxRepository) {}

  async enqueue<J extends JobName>(
    manager: EntityManager | null,
    job: J,
    payload: JobPayloads[J],
    options: EnqueueOptions = {},
  ): Promise<void> {
    await this.rows.insert(manager, {
      queue: JOB_QUEUE[job],
      jobName: job,
      payload,
      dedupeKey: options.dedupeKey ?? null,
      delayMs: Math.max(0, Math.floor(options.delayMs ?? 0)),
    });
  }

  /** Marks the row of a finished job; the relay stops watching it. */
  async markCompleted(outboxId: string): Promise<void> {
    await this.rows.markCompleted(outboxId);
  }
}
