import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { REDIS_DISCONNECT_TIMEOUT_MS } from '../common/redis.module';
import { AppConfig } from '../config/app.config';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { ALL_QUEUES, DEFAULT_JOB_OPTIONS } from './queue-registry';

/** Bull on Redis (ioredis) with every queue of the registry; the outbox is the way in. Imported by every module that enqueues work. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        url: config.REDIS_URL,
        // merged with the url's host, port and db by Bull
        redis: { disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS },
        prefix: `${config.REDIS_PREFIX}:bull`,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
        settings: { stalledInterval: config.QUEUE_STALLED_INTERVAL_MS, lockDuration: config.QUEUE_LOCK_DURATION_MS, maxStalledCount: 2 },
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [OutboxService, OutboxRepository],
  exports: [BullModule, OutboxService, OutboxRepository],
})
export class QueueModule {}
