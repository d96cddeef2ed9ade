import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { REDIS, RedisClient, redisKey } from '../common/redis.module';

/** Failed logins counted per account and per address in fixed windows; exceeding either refuses further tries. */
@Injectable()
export class LoginThrottleService {
  static readonly WINDOW_SECONDS = 15 * 60;
  static readonly MAX_PER_ACCOUNT = 5;
  static readonly MAX_PER_ADDRESS = 30;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  private keys(email: string, ip: string): [string, string] {
    // the account key is the address as the login looks it up: " A@x.org" must not get a fresh set of tries
    return [redisKey(this.config, 'login-fail', 'acct', email.trim().toLowerCase()), redisKey(this.config, 'login-fail', 'ip', ip)];
  }

  async isBlocked(email: string, ip: string): Promise<boolean> {
    const [a, i] = this.keys(email, ip);
    const [acct, addr] = await this.redis.mget(a, i);
    return Number(acct ?? 0) >= LoginThrottleService.MAX_PER_ACCOUNT || Number(addr ?? 0) >= LoginThrottleService.MAX_PER_ADDRESS;
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const multi = this.redis.multi();
    for (const key of this.keys(email, ip)) {
      multi.incr(key);
      multi.expire(key, LoginThrottleService.WINDOW_SECONDS, 'NX');
    }
    await multi.exec();
  }

  async reset(email: string): Promise<void> {
    await this.redis.del(this.keys(email, '')[0]);
  }
}
