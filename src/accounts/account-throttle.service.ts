import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { REDIS, RedisClient, redisKey } from '../common/redis.module';
import { UsersService } from './users.service';

/** One kind of event counted per account and per client address, each in a fixed window. */
export interface ThrottlePolicy {
  /** Part of the Redis keys. */
  name: string;
  windowSeconds: number;
  maxPerAccount: number;
  maxPerAddress: number;
}

/**
 * Login attempts: each is counted before its password is checked, and past either limit refused without checking it
 * until the window ends; a successful login takes its own count back and clears the account's. So what stays counted
 * are the failures, and concurrent guesses cannot all read "below the limit" before any of them is counted.
 */
export const LOGIN_FAILURES: ThrottlePolicy = { name: 'login-fail', windowSeconds: 15 * 60, maxPerAccount: 5, maxPerAddress: 30 };

/**
 * "Forgot password" requests: past the account limit the request is answered as usual but no email goes out (so a
 * mailbox cannot be flooded, and the answer does not tell whether the account exists); past the address limit the
 * request is refused with 429.
 */
export const PASSWORD_RESET_REQUESTS: ThrottlePolicy = {
  name: 'password-reset',
  windowSeconds: 60 * 60,
  maxPerAccount: 3,
  maxPerAddress: 20,
};

/**
 * Counters in Redis for account-related abuse (login guessing, reset flooding). Always count first, then decide: a
 * read-then-count check lets concurrent requests all pass it. The account is the email as the
 * users table stores it, so " A@x.org" does not get a fresh allowance. Redis down: commands fail (no offline queue)
 * and the caller's request fails with 503 rather than going on uncounted.
 */
@Injectable()
export class AccountThrottleService {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  private keys(policy: ThrottlePolicy, email: string, ip: string): [account: string, address: string] {
    return [redisKey(this.config, policy.name, 'acct', UsersService.normalizeEmail(email)), redisKey(this.config, policy.name, 'ip', ip)];
  }

  /**
   * Counts one event for the account and the address, in one round trip; returns which limit it went past. Deciding
   * on the counts after the increment makes concurrent requests see distinct counts, so none slips past a limit.
   */
  async record(policy: ThrottlePolicy, email: string, ip: string): Promise<{ overAccount: boolean; overAddress: boolean }> {
    const multi = this.redis.multi();
    for (const key of this.keys(policy, email, ip)) {
      multi.incr(key);
      multi.expire(key, policy.windowSeconds, 'NX');
    }
    const replies = (await multi.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    const [acct, , addr] = replies.map(([, value]) => Number(value));
    return { overAccount: acct > policy.maxPerAccount, overAddress: addr > policy.maxPerAddress };
  }

  /** A counted attempt that succeeded: the account's count is forgotten and the address's count takes this one back. */
  async forgive(policy: ThrottlePolicy, email: string, ip: string): Promise<void> {
    const [acct, addr] = this.keys(policy, email, ip);
    // EXPIRE NX: should the window have ended in between, the DECR'd key still goes away with the next one
    const replies = (await this.redis.multi().del(acct).decr(addr).expire(addr, policy.windowSeconds, 'NX').exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
  }
}
