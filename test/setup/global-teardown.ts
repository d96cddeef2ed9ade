import Redis from 'ioredis';
import { rm } from 'node:fs/promises';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL } from './test-env';

/** Drops this run's database, Redis keys and files (KEEP_TEST_DB=1 keeps the database for a look). */
export default async function globalTeardown(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url && !process.env.KEEP_TEST_DB) {
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    // the run's database and every per-file copy of it (suite-database.ts)
    const base = new URL(process.env.TEST_TEMPLATE_DATABASE_URL ?? url).pathname.slice(1);
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $2)`, [
      base,
      `${base}_`,
    ]);
    for (const { datname } of rows as { datname: string }[]) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
  }
  const prefix = process.env.REDIS_PREFIX;
  if (prefix && process.env.REDIS_URL) {
    const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } catch {
      // Redis may be down after a fault test; nothing to clean then
    } finally {
      redis.disconnect();
    }
  }
  if (process.env.STORAGE_DIR) await rm(process.env.STORAGE_DIR, { recursive: true, force: true });
}
