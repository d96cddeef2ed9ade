import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app.config';

export const REDIS = Symbol('REDIS');
export type RedisClient = Redis;

/**
 * How long ioredis waits for a closing socket before destroying it (its default is 2 s). ioredis also arms this timer
 * when disconnect() is called while it waits to reconnect, on a socket that is already closed (redis/ioredis#1247):
 * with Redis unreachable, every client then kept the process alive 2 s after shutdown. After QUIT, or with Redis
 * gone, there is nothing worth waiting for. Used for this client and for Bull's.
 */
export const REDIS_DISCONNECT_TIMEOUT_MS = 100;

/** Prefixes every key with REDIS_PREFIX, so tests and several installations can share one Redis. */
export function redisKey(config: Pick<AppConfig, 'REDIS_PREFIX'>, ...parts: string[]): string {
  return [config.REDIS_PREFIX, ...parts].join(':');
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    // QUIT only reaches a connected server; otherwise stop reconnecting at once
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
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
          disconnectTimeout: REDIS_DISCONNECT_TIMEOUT_MS,
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
