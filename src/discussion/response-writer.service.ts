import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { newReceipt } from './receipt';
import { PendingResponse, ResponseBatchesRepository } from './response-batches.repository';

/** `inserted` false: nothing was stored for this item (key already used, stage closed, territory inactive...). */
export interface WriteOutcome {
  inserted: boolean;
  receipt: string;
}

interface Waiter {
  item: PendingResponse;
  resolve: (o: WriteOutcome) => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: submissions arriving within a few milliseconds are written by one statement, and each request is
 * answered only after the statement that holds its row has committed. Validation happens before batching, so a
 * batch only fails for a database reason; then its items are retried one by one so one bad row fails alone.
 */
@Injectable()
export class ResponseWriterService implements OnApplicationShutdown {
  private readonly logger = new Logger(ResponseWriterService.name);
  private pending: Waiter[] = [];
  private inflight = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly batches: ResponseBatchesRepository,
    private readonly config: AppConfig,
  ) {}

  write(item: PendingResponse): Promise<WriteOutcome> {
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.config.SUBMISSION_BATCH_MAX) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.config.SUBMISSION_BATCH_WINDOW_MS);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.pending.length && this.inflight < this.config.SUBMISSION_BATCH_CONCURRENCY) {
      const batch: Waiter[] = [];
      const rest: Waiter[] = [];
      const keys = new Set<string>();
      for (const w of this.pending) {
        const k = `${w.item.campaignId}:${w.item.idempotencyKey}`;
        // the same key twice in one statement: the later one waits for the next batch and then sees the first
        if (batch.length < this.config.SUBMISSION_BATCH_MAX && !keys.has(k)) {
          keys.add(k);
          batch.push(w);
        } else rest.push(w);
      }
      this.pending = rest;
      this.inflight++;
      void this.run(batch).finally(() => {
        this.inflight--;
        if (this.pending.length) this.flush();
        else if (this.inflight === 0) for (const done of this.idle) done();
      });
    }
  }

  private async run(batch: Waiter[]): Promise<void> {
    try {
      const inserted = await this.batches.insertBatch(batch.map((w) => w.item));
      for (const w of batch) w.resolve({ inserted: inserted.has(w.item.id), receipt: w.item.receipt });
    } catch (err) {
      if (batch.length > 1) this.logger.warn(`batch of ${batch.length} failed (${(err as Error).message}); writing one by one`);
      for (const w of batch) {
        try {
          w.resolve(await this.insertOne(w.item));
        } catch (e) {
          w.reject(e);
        }
      }
    }
  }

  /** A single item; a receipt collision (unique index) is retried with a new receipt. */
  private async insertOne(item: PendingResponse): Promise<WriteOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        const inserted = await this.batches.insertBatch([item]);
        return { inserted: inserted.has(item.id), receipt: item.receipt };
      } catch (err) {
        const e = err as { code?: string; constraint?: string };
        if (attempt < 3 && e.code === '23505' && e.constraint === 'uq_responses_receipt') {
          item.receipt = newReceipt();
          continue;
        }
        throw err;
      }
    }
  }

  /** Lets the process end only after every acknowledged-to-be write has been answered. */
  async onApplicationShutdown(): Promise<void> {
    if (this.pending.length) this.flush();
    if (this.inflight === 0 && !this.pending.length) return;
    await new Promise<void>((resolve) => this.idle.add(resolve));
  }
}
