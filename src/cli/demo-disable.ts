import type { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { PasswordService } from '../accounts/password.service';
import { SessionService } from '../accounts/session.service';
import { UsersRepository } from '../accounts/users.repository';
import { AppConfig } from '../config/app.config';
import { DEMO_DOMAIN, DEMO_LOGINS } from './demo-logins';

/**
 * `demo:disable`: every active demo account is deactivated, its password replaced by a random one and its sessions
 * ended, so a server that once ran the demo can start in production. Returns the addresses disabled.
 */
export async function disableDemoAccounts(ctx: INestApplicationContext): Promise<string[]> {
  const config = ctx.get(AppConfig);
  const unusable = await ctx.get(PasswordService).hash(randomBytes(32).toString('base64url'));
  const rows = await ctx
    .get(UsersRepository)
    .disableDemoAccounts({ emails: DEMO_LOGINS.map((l) => l.email), domain: DEMO_DOMAIN }, unusable);
  if (!rows.length) return [];
  // the command line has no Redis otherwise (migrations run before it is up): one client for this command only
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: true });
  try {
    await redis.connect();
    const sessions = new SessionService(redis, config);
    for (const row of rows) await sessions.destroyAllFor(row.id);
  } finally {
    redis.disconnect();
  }
  return rows.map((r) => r.email).sort();
}
