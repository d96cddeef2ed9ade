/**
 * `npm run bench:pages`: the public questionnaire page (GET /c/:slug/form) of an open campaign with three documents,
 * with the region's registry at 2,000 organizations, rendered by the real server (child process) for a fixed time;
 * beside it the same server's bare-route ceiling (a bare Fastify route in the same process answering a constant HTML
 * of the same size) and the page with brotli compression asked for.
 *
 * Settings (env): BENCH_SECONDS (10), BENCH_CONNECTIONS (32), BENCH_DOCUMENTS (3), BENCH_ORGANIZATIONS (2000),
 * BENCH_ADMIN_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL, BENCH_KEEP_DB=1.
 * Needs PostgreSQL and Redis running (see README); creates and drops a database of its own.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { referenceData } from '../src/reference/reference-data';
import { insertBenchDocuments, openBenchDatabase } from './lib/bench-database';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 3);
const ORGANIZATIONS = Number(process.env.BENCH_ORGANIZATIONS ?? 2000);
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

interface RunResult {
  label: string;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time of the server process per page (µs): robust to other load on the machine. */
  serverCpuUs: number;
  bytes: number;
}

/** A campaign open for discussion and `ORGANIZATIONS` registry entries over the active territories. */
async function prepareDatabase(url: string): Promise<string> {
  const ds = await openBenchDatabase(url);
  const slug = `bench-${randomBytes(4).toString('hex')}`;
  const [{ id }] = await ds.query(
    `INSERT INTO campaigns (slug, title, description, status, criterion_scale, row_version, status_changed_at)
     VALUES ($1, 'Бенчмарк: обсуждение модельных документов', 'Обсуждаем модельные документы наставничества.', 'discussion',
             $2::jsonb, 1, now()) RETURNING id`,
    [slug, JSON.stringify(referenceData().defaultCriterionScale)],
  );
  await insertBenchDocuments(ds, id, DOCUMENTS);
  await ds.query(
    `INSERT INTO organizations (name, territory_id, type_code)
     SELECT format('МБОУ «Средняя общеобразовательная школа № %s»', n), t.id, 'school'
       FROM generate_series(1, $1::int) n
       JOIN LATERAL (SELECT id FROM territories WHERE active ORDER BY sort_order OFFSET (n % 43) LIMIT 1) t ON true
     ON CONFLICT DO NOTHING`,
    [ORGANIZATIONS],
  );
  const [{ count }] = await ds.query(`SELECT count(*)::int AS count FROM organizations`);
  console.log(`registry: ${count} organizations`);
  await ds.destroy();
  return slug;
}

function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number; barePort: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'lib', 'bench-server.ts')], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /READY (\d+) (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), barePort: Number(m[2]) });
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function cpuMicros(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return 0;
  }
}

async function load(pid: number | undefined, label: string, url: string, seconds: number, headers: Record<string, string> = {}) {
  let bytes = 0;
  const before = cpuMicros(pid);
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { accept: 'text/html', ...headers },
    requests: [
      {
        onResponse: (_status: number, body: string, _context: unknown, headers: Record<string, string>) =>
          (bytes = Number(headers['content-length'] ?? Buffer.byteLength(body))),
      },
    ],
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  const cpu = cpuMicros(pid) - before;
  const ok = result.requests.total - result.non2xx;
  return {
    label,
    perSecond: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
    serverCpuUs: result.requests.total ? Math.round(cpu / result.requests.total) : 0,
    bytes,
  } satisfies RunResult;
}

async function main(): Promise<void> {
  const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/dp_bench_${id}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "dp_bench_${id}"`);
  let child: ChildProcess | null = null;
  try {
    console.log(`preparing database dp_bench_${id} (migrations, reference data, ${DOCUMENTS} documents, ${ORGANIZATIONS} organizations)…`);
    const slug = await prepareDatabase(dbUrl.toString());
    const server = await startServer({
      ...process.env,
      NODE_ENV: 'development',
      BENCH_PORT: '0',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      REDIS_PREFIX: `dpbench:${id}`,
      LOG_LEVEL: 'silent',
    });
    child = server.child;
    const page = `http://127.0.0.1:${server.port}/c/${slug}/form`;
    const html = await (await fetch(page, { headers: { 'accept-encoding': 'identity' } })).text();
    const size = Buffer.byteLength(html);
    const bareUrl = `http://127.0.0.1:${server.barePort}/bare-page?bytes=${size}`;
    console.log(
      `server pid ${child.pid}; ${CONNECTIONS} connections; ${cpus().length} CPU(s); page ${size} B; load average before the runs ` +
        `${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} (other work on the machine lowers every figure)`,
    );

    await load(child.pid, 'warm-up', page, 2);
    const bare = await load(child.pid, `calibration: bare Fastify route (same process, constant ${size} B HTML)`, bareUrl, SECONDS);
    const plain = await load(child.pid, 'questionnaire page (no compression asked)', page, SECONDS);
    // what browsers send: the blank page goes out as the gzip made once per campaign version
    const gzip = await load(child.pid, 'questionnaire page, Accept-Encoding: gzip, deflate, br', page, SECONDS, {
      'accept-encoding': 'gzip, deflate, br',
    });
    // the campaign page, compressed per request by @fastify/compress (brotli 4), for comparison
    const campaign = await load(
      child.pid,
      'campaign page /c/:slug, Accept-Encoding: br (compressed per request)',
      page.replace(/\/form$/, ''),
      SECONDS,
      {
        'accept-encoding': 'br',
      },
    );

    console.table(
      [bare, plain, gzip, campaign].map((r) => ({
        run: r.label,
        'pages/s': Math.round(r.perSecond),
        'p50 ms': r.p50,
        'p99 ms': r.p99,
        errors: r.errors,
        'server CPU µs/page': r.serverCpuUs,
        'bytes/page': r.bytes,
      })),
    );
    console.log(`questionnaire pages/s: ${Math.round(plain.perSecond)}, p99 ${plain.p99} ms  (aim 3000 pages/s)`);
    console.log(
      `as browsers ask (gzip): ${Math.round(gzip.perSecond)} pages/s, p99 ${gzip.p99} ms, ${gzip.bytes} B on the wire instead of ${size} B`,
    );
    console.log(
      `bare-route ceiling: ${Math.round(bare.perSecond)}/s; the page reaches ${((100 * plain.perSecond) / bare.perSecond).toFixed(1)} % of it`,
    );
    process.exitCode = plain.errors + gzip.errors + campaign.errors === 0 ? 0 : 1;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (process.env.BENCH_KEEP_DB !== '1') await admin.query(`DROP DATABASE IF EXISTS "dp_bench_${id}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
