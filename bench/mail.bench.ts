/**
 * `npm run bench:mail`: how fast the platform's mail path delivers a burst of emails — the way an expertise opening
 * invites thousands of experts — and whether each arrives exactly once.
 *
 * The path is the production one: `mail_messages` rows and their `outbox` rows committed in one transaction, the
 * compiled worker (`dist/src/worker.js`, started as `npm run start:worker` does) relaying them to Bull and sending
 * them through its pooled SMTP transport, to an SMTP server in this process that records the envelope recipients.
 *
 * Settings (env): BENCH_MAILS (10000), BENCH_WORKERS (1: worker processes), MAIL_CONCURRENCY, SMTP_POOL_SIZE,
 * SMTP_RATE_PER_SECOND (passed to the worker; the worker's defaults otherwise), BENCH_BUILD=0 (skip `npm run build`),
 * BENCH_ADMIN_DATABASE_URL,
 * BENCH_REDIS_URL, BENCH_KEEP_DB=1. Needs PostgreSQL and Redis; creates and drops a database of its own.
 * Aims (issue #19): ≥ 100 emails/s; 10,000 invitations in ≤ 120 s; 0 lost, 0 duplicated.
 */
import 'reflect-metadata';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SMTPServer } from 'smtp-server';
import { openBenchDatabase } from './lib/bench-database';

const MAILS = Number(process.env.BENCH_MAILS ?? 10_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const ROOT = join(__dirname, '..');
const WORKER_JS = join(ROOT, 'dist', 'src', 'worker.js');

interface Sink {
  port: number;
  /** Deliveries per recipient address. */
  received: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

/** An SMTP server that accepts everything and counts each recipient's deliveries (no parsing: it must not be the bottleneck). */
async function startSink(): Promise<Sink> {
  const received = new Map<string, number>();
  let total = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    maxClients: 200,
    onData(stream, session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) received.set(r.address, (received.get(r.address) ?? 0) + 1);
        total++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as { port: number }).port,
    received,
    total: () => total,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function startWorker(env: NodeJS.ProcessEnv): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--max-old-space-size=192', '--max-semi-space-size=8', WORKER_JS], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('worker started')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it started`)));
  });
  return { child, ready };
}

async function main(): Promise<void> {
  if (!existsSync(WORKER_JS) || process.env.BENCH_BUILD !== '0') {
    console.log('[bench:mail] building (npm run build)…');
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }
  const id = randomBytes(4).toString('hex');
  const dbName = `dp_bench_mail_${id}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const sink = await startSink();
  const workers: ChildProcess[] = [];
  try {
    const ds = await openBenchDatabase(dbUrl.toString());
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      REDIS_PREFIX: `dpbench-mail:${id}`,
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      APP_URL: 'http://platform.bench',
      LOG_LEVEL: 'warn',
      OUTBOX_POLL_MS: '50',
      SCHEDULER_INTERVAL_MS: '3600000',
      STORAGE_DIR: join(ROOT, 'var', `bench-mail-${id}`),
    };
    for (let i = 0; i < WORKERS; i++) {
      const w = startWorker(env);
      workers.push(w.child);
      await w.ready;
    }
    const load = loadavg()[0];
    const started = Date.now();
    // the burst, as an expertise opening writes it: every message and its outbox row in one transaction
    await ds.transaction(async (m) => {
      await m.query(
        `WITH mails AS (
           INSERT INTO mail_messages (to_address, template, context, attachments)
           SELECT 'expert-' || i || '@bench.test', 'test', jsonb_build_object('name', 'Эксперт ' || i), '[]'::jsonb
             FROM generate_series(1, $1::int) AS i
           RETURNING id)
         INSERT INTO outbox (queue, job_name, payload, available_at)
         SELECT 'mail', 'send-mail', jsonb_build_object('mailId', id), now() FROM mails`,
        [MAILS],
      );
    });
    let lastPrint = started;
    while (sink.total() < MAILS) {
      if (Date.now() - started > 15 * 60_000) break;
      await new Promise((r) => setTimeout(r, 50));
      if (Date.now() - lastPrint > 5_000) {
        lastPrint = Date.now();
        console.log(`[bench:mail] ${sink.total()} of ${MAILS} received after ${((lastPrint - started) / 1000).toFixed(1)} s`);
      }
    }
    const seconds = (Date.now() - started) / 1000;
    // give a job that would send twice (e.g. a retry after an unnoticed success) time to show itself
    await new Promise((r) => setTimeout(r, 2_000));
    const [{ sent, other }] = await ds.query(
      `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*) FILTER (WHERE status <> 'sent')::int AS other FROM mail_messages`,
    );
    let duplicated = 0;
    let lost = 0;
    for (let i = 1; i <= MAILS; i++) {
      const n = sink.received.get(`expert-${i}@bench.test`) ?? 0;
      if (n === 0) lost++;
      if (n > 1) duplicated += n - 1;
    }
    await ds.destroy();
    console.log(
      `[bench:mail] ${MAILS} emails, ${WORKERS} worker(s), MAIL_CONCURRENCY=${env.MAIL_CONCURRENCY ?? 'default'}, ` +
        `SMTP_POOL_SIZE=${env.SMTP_POOL_SIZE ?? 'default'}, ${cpus().length} cores, load ${load.toFixed(1)} at start`,
    );
    console.log(`[bench:mail] delivered in ${seconds.toFixed(1)} s: ${(MAILS / seconds).toFixed(0)} emails/s (aim ≥ 100/s; 10,000 in ≤ 120 s)`);
    console.log(`[bench:mail] ledger: rows sent ${sent}, rows not sent ${other}, lost ${lost}, duplicated ${duplicated}`);
    if (lost || duplicated || other) process.exitCode = 1;
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await sink.close();
    rmSync(join(ROOT, 'var', `bench-mail-${id}`), { recursive: true, force: true });
    if (process.env.BENCH_KEEP_DB !== '1') await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
