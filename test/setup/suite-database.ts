import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL } from './test-env';

/**
 * Every test file gets a database of its own, copied from the run's migrated and seeded database (a PostgreSQL
 * template copy takes a fraction of a second), and a Redis key prefix of its own. Why: a suite's worker runs the
 * outbox relay, which claims every pending outbox row of its database; with one shared database, suites running in
 * parallel took each other's jobs (another suite's emails arrived at this suite's SMTP server). Runs before the
 * file's own hooks; resets the variables for every file, so nothing leaks from a previous file in the same worker.
 * Global teardown drops these databases.
 */
beforeAll(async () => {
  const template = new URL(process.env.TEST_TEMPLATE_DATABASE_URL!);
  const templateName = template.pathname.slice(1);
  const suffix = randomBytes(3).toString('hex');
  const name = `${templateName}_s${suffix}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
  } finally {
    await admin.end();
  }
  template.pathname = `/${name}`;
  process.env.DATABASE_URL = template.toString();
  process.env.REDIS_PREFIX = `${process.env.TEST_BASE_REDIS_PREFIX}:s${suffix}`;
});
