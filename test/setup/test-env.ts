import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Settings shared by every test run: real PostgreSQL and Redis, each run in its own database and key prefix. */
export const ADMIN_DATABASE_URL = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function newRunEnv(): Record<string, string> {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const base = new URL(ADMIN_DATABASE_URL);
  base.pathname = `/dp_test_${id}`;
  return {
    NODE_ENV: 'test',
    DATABASE_URL: base.toString(),
    // each test file works on a copy of this database, with a key prefix under this one (suite-database.ts)
    TEST_TEMPLATE_DATABASE_URL: base.toString(),
    TEST_BASE_REDIS_PREFIX: `dptest:${id}`,
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    REDIS_PREFIX: `dptest:${id}`,
    STORAGE_DIR: join(tmpdir(), `dp-test-${id}`),
    LOG_LEVEL: 'silent',
    APP_URL: 'http://platform.test',
    OUTBOX_POLL_MS: '50',
    SCHEDULER_INTERVAL_MS: '3600000',
    TEST_RUN_ID: id,
  };
}
