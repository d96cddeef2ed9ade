import { getQueueToken } from '@nestjs/bull';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, Queue } from 'bull';
import { withTimeout } from '../common/with-timeout';
import { AppConfig } from '../config/app.config';
import { OutboxJobRow, OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { ALL_QUEUES, jobOptions, QueueName } from './queue-registry';

/** A Redis call that does not answer in time counts as failed: the row stays pending and is tried again. */
const redisCall = <T>(p: Promise<T>, ms: number): Promise<T> => withTimeout(p, ms, `redis did not answer in ${ms} ms`);

/** Rows handed over per transaction: a pass keeps going while batches come back full. */
const BATCH = 100;

/**
 * Runs in the worker: hands pending outbox rows to Bull (job id = outbox id, so a row handed twice is one job),
 * marks rows completed when their job completes, and re-sends jobs that Redis lost (restarted empty).
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** The pass in progress, awaited at shutdown so it never runs against a closed pool. */
  private current: Promise<unknown> = Promise.resolve();
  /** Outages are logged when they start and end, not on every tick. */
  private redisDown = false;
  private lastError: string | null = null;
  private stopped = false;
  private lastSweep = 0;

  constructor(
    private readonly rows: OutboxRepository,
    private readonly outbox: OutboxService,
    private readonly moduleRef: ModuleRef,
    private readonly config: AppConfig,
  ) {}

  queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  onApplicationBootstrap(): void {
    for (const name of ALL_QUEUES) {
      this.queue(name).on('completed', (job: Job) => {
        // only jobs handed over from the outbox have a row to mark (not e.g. the repeatable scheduler tick)
        if (!(job.data as { outboxId?: string } | undefined)?.outboxId) return;
        void this.outbox.markCompleted(String(job.id)).catch((err: Error) => this.logger.warn(`mark completed ${job.id}: ${err.message}`));
      });
    }
    const tick = async () => {
      if (this.stopped) return;
      this.current = this.relayOnce().then(
        () => {
          if (this.lastError) this.logger.log('relay: working again');
          this.lastError = null;
        },
        (err: Error) => {
          if (err.message !== this.lastError) this.logger.warn(`relay: ${err.message}`);
          this.lastError = err.message;
        },
      );
      await this.current;
      if (!this.stopped) this.timer = setTimeout(tick, this.config.OUTBOX_POLL_MS);
    };
    this.timer = setTimeout(tick, 50);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
  }

  /** One pass: dispatch what is due; every few seconds also look for lost jobs. Returns rows dispatched. */
  async relayOnce(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const sent = await this.dispatchPending();
      // look for lost jobs every 5 s, or more often when the loss threshold is shorter (tests)
      if (!this.redisDown && Date.now() - this.lastSweep > Math.min(5_000, this.config.OUTBOX_LOST_AFTER_MS)) {
        this.lastSweep = Date.now();
        await this.resendLost();
      }
      return sent;
    } finally {
      this.running = false;
    }
  }

  private async dispatchPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.rows.transaction(async (m) => {
        const rows = await this.rows.lockDue(m, BATCH);
        const done: string[] = [];
        for (const row of rows) {
          try {
            await this.add(row);
            done.push(row.id);
          } catch (err) {
            await this.rows.recordDispatchFailure(m, row.id, (err as Error).message.slice(0, 500));
            if (!this.redisDown) {
              this.logger.warn(`Redis unavailable (${(err as Error).message}): outbox rows wait in PostgreSQL until it is back`);
            }
            this.redisDown = true;
            break; // Redis is down: stop this pass, try again on the next tick
          }
        }
        if (done.length) await this.rows.markDispatched(m, done);
        return { done: done.length, full: rows.length === BATCH && done.length === rows.length };
      });
      total += sent.done;
      if (!sent.full) return total;
    }
  }

  private async add(row: OutboxJobRow): Promise<void> {
    const queue = this.queue(row.queue);
    await redisCall(queue.isReady(), 3_000); // first connection at boot
    // while disconnected, ioredis would queue the command offline and stall: fail at once instead
    if (queue.client.status !== 'ready') throw new Error(`redis not connected (${queue.client.status})`);
    await redisCall(
      queue.add(
        row.job_name,
        { ...row.payload, outboxId: row.id },
        { ...jobOptions(row.job_name, this.config.QUEUE_BACKOFF_MS), jobId: row.id },
      ),
      3_000,
    );
    if (this.redisDown) this.logger.log('Redis is back: dispatching outbox rows again');
    this.redisDown = false;
  }

  /** Dispatched, not completed, and not known to Redis any more (e.g. Redis restarted empty): hand it again. */
  private async resendLost(): Promise<void> {
    const rows = await this.rows.dispatchedUnfinished(this.config.OUTBOX_LOST_AFTER_MS, 200);
    for (const row of rows) {
      const job = await redisCall(this.queue(row.queue).getJob(row.id), 3_000);
      if (job) {
        if (await job.isCompleted()) await this.outbox.markCompleted(row.id);
        continue;
      }
      this.logger.warn(`outbox ${row.id} (${row.job_name}) lost by Redis; sending again`);
      await this.add(row);
      await this.rows.markDispatched(null, [row.id]);
    }
  }
}
