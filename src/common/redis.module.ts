import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';

export const REDIS = Symbol('REDIS');
export type RedisClient = Redis;

/** Prefixes every key with REDIS_PREFIX, so tests and several installations can share one Redis. */
export function redisKey(config: Pick<AppConfig, 'REDIS_PREFIX'>, ...parts: string[]): string {
  return [config.REDIS_PREFIX, ...parts].join(':');
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * The shared ioredis client for sessions, rate limits and login throttling. Commands fail fast while Redis is
 * down (no offline queue) so callers can degrade instead of hanging.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const logger = new Logger('Redis');
        const client = new Redis(config.REDIS_URL, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
          retryStrategy: (times) => Math.min(times * 200, 2_000),
        });
        // one line when an outage starts and one when it ends, not one per reconnection attempt
        let down = false;
        client.on('error', (err: Error) => {
          if (!down) logger.warn(`redis: ${err.message}; retrying in the background`);
          down = true;
        });
        client.on('ready', () => {
          if (down) logger.log('redis: connected again');
          down = false;
        });
        return client;
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
