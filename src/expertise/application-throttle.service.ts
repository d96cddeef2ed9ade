import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { REDIS, RedisClient, redisKey } from '../common/redis.module';
import { AppConfig } from '../config/app.config';

/**
 * Applications create accounts and send email without a login, so each address may file only a few per hour. Every
 * application is counted before anything else is done with it, refused ones included: otherwise invalid ones could be
 * sent without end, and concurrent ones could all read the same count. Redis down: applications are not blocked.
 */
@Injectable()
export class ApplicationThrottleService {
  static readonly WINDOW_SECONDS = 3600;
  static readonly MAX_PER_ADDRESS = 30;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  private key(ip: string): string {
    return redisKey(this.config, 'expert-applications', ip);
  }

  /** Counts one application from `ip` (atomically) and refuses it with 429 when it goes past the limit. */
  async count(ip: string): Promise<void> {
    const replies = await this.redis
      .multi()
      .incr(this.key(ip))
      .expire(this.key(ip), ApplicationThrottleService.WINDOW_SECONDS, 'NX')
      .exec()
      .catch(() => null);
    const [err, count] = replies?.[0] ?? [null, 0];
    if (!err && Number(count) > ApplicationThrottleService.MAX_PER_ADDRESS) {
      throw new DomainError(ErrorCode.RateLimited, 'Слишком много заявок с этого адреса. Попробуйте через час.');
    }
  }
}
