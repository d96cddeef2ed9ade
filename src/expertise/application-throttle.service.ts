import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { REDIS, RedisClient, redisKey } from '../common/redis.module';
import { AppConfig } from '../config/app.config';

/**
 * Applications create accounts and send email without a login, so each address may file only a few per hour
 * (counted on success: typing mistakes do not use up the allowance). Redis down: applications are not blocked.
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

  async check(ip: string): Promise<void> {
    const count = await this.redis.get(this.key(ip)).catch(() => null);
    if (Number(count ?? 0) >= ApplicationThrottleService.MAX_PER_ADDRESS) {
      throw new DomainError(ErrorCode.RateLimited, 'Слишком много заявок с этого адреса. Попробуйте через час.');
    }
  }

  async record(ip: string): Promise<void> {
    await this.redis
      .multi()
      .incr(this.key(ip))
      .expire(this.key(ip), ApplicationThrottleService.WINDOW_SECONDS, 'NX')
      .exec()
      .catch(() => undefined);
  }
}
