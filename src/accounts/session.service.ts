import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app.config';
import { REDIS, RedisClient, redisKey } from '../common/redis.module';
import { Role } from './entities/user.entity';

export interface SessionData {
  userId: string;
  email: string;
  role: Role;
  fullName: string;
  csrfToken: string;
  createdAt: string;
}

export const SESSION_COOKIE = 'sid';

/**
 * Sessions live in Redis under the sha256 of an opaque random token. The same token is the API's Bearer
 * token and the pages' cookie, so one login serves both.
 */
@Injectable()
export class SessionService {
  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  static hashToken(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  private key(sessionId: string): string {
    return redisKey(this.config, 'sess', sessionId);
  }

  async create(user: { id: string; email: string; role: Role; fullName: string }): Promise<{ token: string; data: SessionData }> {
    const token = randomBytes(32).toString('base64url');
    const data: SessionData = {
      userId: user.id,
      email: user.email,
      role: user.role,
      fullName: user.fullName,
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: new Date().toISOString(),
    };
    const sessionId = SessionService.hashToken(token);
    const index = this.indexKey(user.id);
    // the per-user index is what destroyAllFor ends; it lives as long as the user's newest session
    const replies = await this.redis
      .multi()
      .set(this.key(sessionId), JSON.stringify(data), 'EX', this.config.SESSION_TTL_SECONDS)
      .sadd(index, sessionId)
      .expire(index, this.config.SESSION_TTL_SECONDS)
      .exec();
    for (const [err] of replies ?? []) if (err) throw err;
    return { token, data };
  }

  private indexKey(userId: string): string {
    return redisKey(this.config, 'user-sessions', userId);
  }

  async find(token: string): Promise<{ sessionId: string; data: SessionData } | null> {
    if (!token || token.length > 200) return null;
    const sessionId = SessionService.hashToken(token);
    const raw = await this.redis.get(this.key(sessionId));
    return raw ? { sessionId, data: JSON.parse(raw) as SessionData } : null;
  }

  async destroy(sessionId: string): Promise<void> {
    await this.redis.del(this.key(sessionId));
  }

  /** Ends every session of a user, at once (suspension, rejection, deactivation, password change). */
  async destroyAllFor(userId: string): Promise<void> {
    const setKey = this.indexKey(userId);
    const ids = await this.redis.smembers(setKey);
    if (ids.length) await this.redis.del(...ids.map((id) => this.key(id)));
    await this.redis.del(setKey);
  }
}
