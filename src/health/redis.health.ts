import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { REDIS, RedisClient } from '../common/redis.module';
import { withTimeout } from '../common/with-timeout';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async check(key = 'redis'): Promise<HealthIndicatorResult> {
    const session = this.indicator.check(key);
    try {
      // a race with a bare setTimeout left a 1 s timer after every check, keeping a closing process alive
      const pong = await withTimeout(this.redis.ping(), 1_000, 'timeout');
      return pong === 'PONG' ? session.up() : session.down({ message: 'unexpected reply' });
    } catch (err) {
      return session.down({ message: (err as Error).message });
    }
  }
}
