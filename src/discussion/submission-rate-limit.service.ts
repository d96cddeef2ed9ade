import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DomainError, ErrorCode } from '../common/domain-error';
import { REDIS, redisKey, type RedisClient } from '../common/redis.module';
import { withTimeout } from '../common/with-timeout';
import { AppConfig } from '../config/app.config';
import { HashMemo } from './hash-memo';

const REDIS_TIMEOUT_MS = 200;

/** Both counters in one round trip and one command (ioredis caches the script by its sha: EVALSHA after the first call). */
const COUNT_SCRIPT = `
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('EXPIRE', KEYS[1], 120) end
local i = redis.call('INCR', KEYS[2])
if i == 1 then redis.call('EXPIRE', KEYS[2], 120) end
return {c, i}`;
const COUNT_SCRIPT_SHA = createHash('sha1').update(COUNT_SCRIPT).digest('hex');

/**
 * Soft limit of public submissions: fixed one-minute windows counted in Redis, per client fingerprint (address +
 * user agent) and, much higher, per address. Fails open: with Redis down or slow, submissions are still accepted,
 * because losing a respondent is worse than letting a few extra requests through.
 */
@Injectable()
export class SubmissionRateLimitService {
  private readonly logger = new Logger(SubmissionRateLimitService.name);
  private lastWarn = 0;
  private readonly hashes = new HashMemo();
  private queue: { clientKey: string; ipKey: string; resolve: (c: [number, number]) => void; reject: (e: unknown) => void }[] = [];

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  async check(ip: string, userAgent: string): Promise<void> {
    const perClient = this.config.SUBMISSION_RATE_PER_CLIENT;
    const perIp = this.config.SUBMISSION_RATE_PER_IP;
    if (!perClient && !perIp) return;
    const minute = Math.floor(Date.now() / 60_000);
    // hashed, so Redis never holds a raw address
    const ipHash = this.hash(ip);
    const clientHash = this.hash(`${ip}\n${userAgent}`);
    const clientKey = redisKey(this.config, 'rl', 'submit', 'c', clientHash, String(minute));
    const ipKey = redisKey(this.config, 'rl', 'submit', 'ip', ipHash, String(minute));
    let counts: [number, number];
    try {
      counts = await withTimeout(this.count(clientKey, ipKey), REDIS_TIMEOUT_MS, 'timeout');
    } catch (err) {
      const now = Date.now();
      if (now - this.lastWarn > 10_000) {
        this.lastWarn = now;
        this.logger.warn(`rate limit skipped (redis: ${(err as Error).message})`);
      }
      return;
    }
    if ((perClient && counts[0] > perClient) || (perIp && counts[1] > perIp)) {
      throw new DomainError(ErrorCode.RateLimited, 'Слишком много отправок с этого устройства. Подождите минуту и попробуйте снова.');
    }
  }

  /**
   * Counts of the requests arriving in the same turn of the event loop go to Redis in one pipeline: one socket write
   * and one read for all of them instead of one each.
   */
  private count(clientKey: string, ipKey: string): Promise<[number, number]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ clientKey, ipKey, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flushCounts());
    });
  }

  private flushCounts(): void {
    const items = this.queue;
    this.queue = [];
    const pipeline = this.redis.pipeline();
    for (const it of items) pipeline.evalsha(COUNT_SCRIPT_SHA, 2, it.clientKey, it.ipKey);
    pipeline.exec().then(
      (results) => {
        items.forEach((it, i) => {
          const [err, value] = results?.[i] ?? [new Error('no reply'), null];
          if (!err) return it.resolve(toCounts(value));
          if (!err.message.includes('NOSCRIPT')) return it.reject(err);
          // first use on this Redis: load the script by sending it once
          this.redis.eval(COUNT_SCRIPT, 2, it.clientKey, it.ipKey).then((v) => it.resolve(toCounts(v)), it.reject);
        });
      },
      (err: Error) => items.forEach((it) => it.reject(err)),
    );
  }

  private hash(s: string): string {
    return this.hashes.sha256(`${this.config.RESPONSE_SALT}\n${s}`).slice(0, 32);
  }
}

function toCounts(value: unknown): [number, number] {
  const [c, i] = value as [number, number];
  return [Number(c), Number(i)];
}
