/**
 * `npm run bench:submit`: many concurrent clients submit realistic questionnaires for a fixed time against the real
 * server (child process) with PostgreSQL and Redis on this machine; then every acknowledged submission is looked up in
 * the database (a ledger of idempotency keys): each must be stored exactly once. The same server's no-database
 * ceiling (JSON parsing + compiled validation, no storage) is measured in the same run.
 *
 * Settings (env): BENCH_SECONDS (15), BENCH_CEILING_SECONDS (10), BENCH_CONNECTIONS (64), BENCH_DOCUMENTS (3),
 * BENCH_CPU_PROF_DIR (a V8 CPU profile of the server),
 * BENCH_ADMIN_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL, BENCH_KEEP_DB=1.
 * Needs PostgreSQL and Redis running (see README); creates and drops a database of its own.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { referenceData } from '../src/reference/reference-data';
import { BenchQuestion, insertBenchDocuments, openBenchDatabase, tallyMismatches } from './lib/bench-database';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CEILING_SECONDS = Number(process.env.BENCH_CEILING_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 3);
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

interface RunResult {
  label: string;
  /** CPU time the server process used per answered request (µs): robust to other load on the machine. */
  serverCpuUs: number;
  /** CPU time of all PostgreSQL processes, and of this process (the load generator), per answered request (µs). */
  postgresCpuUs: number;
  loadCpuUs: number;
  requests: number;
  acknowledged: number;
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: Record<string, number>;
}

const WORDS = 'документ полезен нужны примеры для сельских школ методические рекомендации сроки внедрения наставничество педагог'.split(
  ' ',
);

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

/** A plausible teacher's questionnaire: some options (an exclusive one alone), a scale value, sometimes a comment. */
function randomBody(questions: BenchQuestion[], territories: string[], types: string[], positions: string[]) {
  const answers = questions.map((q) => {
    if (q.kind === 'multi' || q.kind === 'single') {
      const exclusive = q.options.find((o) => o.exclusive);
      if (exclusive && Math.random() < 0.1) return { questionId: q.id, optionIds: [exclusive.id] };
      const normal = q.options.filter((o) => !o.exclusive);
      const chosen = q.kind === 'single' ? [pick(normal)] : normal.filter(() => Math.random() < 0.5);
      return { questionId: q.id, optionIds: (chosen.length ? chosen : [normal[0]]).map((o) => o.id) };
    }
    if (q.kind === 'scale') return { questionId: q.id, value: q.min + Math.floor(Math.random() * (q.max - q.min + 1)) };
    const words = Math.random() < 0.5 ? 0 : 5 + Math.floor(Math.random() * 40);
    return { questionId: q.id, text: Array.from({ length: words }, () => pick(WORDS)).join(' ') || 'Без замечаний' };
  });
  return {
    profile: { territoryId: pick(territories), organizationType: pick(types), position: pick(positions) },
    answers,
  };
}

function expectedRows(body: { answers: { optionIds?: string[] }[] }): number {
  return body.answers.reduce((n, a) => n + (a.optionIds ? a.optionIds.length : 1), 0);
}

async function prepareDatabase(url: string): Promise<{ slug: string; campaignId: string; questions: BenchQuestion[]; ref: string[][] }> {
  const ds = await openBenchDatabase(url);
  const data = referenceData();
  const slug = `bench-${randomBytes(4).toString('hex')}`;
  const [{ id: campaignId }] = await ds.query(
    `INSERT INTO campaigns (slug, title, status, criterion_scale, row_version, status_changed_at)
     VALUES ($1, 'Бенчмарк: обсуждение модельных документов', 'discussion', $2::jsonb, 1, now()) RETURNING id`,
    [slug, JSON.stringify(data.defaultCriterionScale)],
  );
  const questions = await insertBenchDocuments(ds, campaignId, DOCUMENTS);
  const territories = (await ds.query(`SELECT id FROM territories WHERE active`)).map((r: { id: string }) => r.id);
  await ds.destroy();
  return { slug, campaignId, questions, ref: [territories, data.organizationTypes.map((t) => t.code), data.positions.map((p) => p.code)] };
}

function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number; barePort: number }> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF_DIR: a V8 CPU profile of the server over the whole run (written when it exits)
    const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF_DIR] : [];
    const child = spawn(process.execPath, [...profile, '-r', '@swc-node/register', join(__dirname, 'lib', 'bench-server.ts')], {
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

/** utime + stime of a process in µs (Linux /proc; 0 elsewhere). */
function cpuMicros(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return 0;
  }
}

/** utime + stime of every process with this command name (all PostgreSQL backends, say), in µs. */
function commandCpuMicros(command: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== command) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return total;
}

async function load(
  pid: number | undefined,
  label: string,
  url: string,
  seconds: number,
  bodies: string[],
  ledger: { sent: Map<string, number>; acked: Map<string, string> } | null,
): Promise<RunResult> {
  const statuses: Record<string, number> = {};
  let acknowledged = 0;
  const cpuBefore = cpuMicros(pid);
  const pgBefore = commandCpuMicros('postgres');
  const selfBefore = process.cpuUsage();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
          const key = randomUUID();
          const index = Math.floor(Math.random() * bodies.length);
          context.key = key;
          ledger?.sent.set(key, index);
          return {
            ...req,
            headers: {
              ...(req.headers as Record<string, string>),
              'idempotency-key': key,
              'user-agent': `bench-client-${Math.floor(Math.random() * 1000)}`,
            },
            body: bodies[index],
          };
        },
        onResponse: (status: number, body: string, context: Record<string, unknown>) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 201) {
            acknowledged++;
            if (ledger) ledger.acked.set(context.key as string, (JSON.parse(body) as { receipt: string }).receipt);
          }
        },
      },
    ],
  });
  const errors = result.errors + result.timeouts + result.non2xx;
  const cpu = cpuMicros(pid) - cpuBefore;
  const pg = commandCpuMicros('postgres') - pgBefore;
  const self = process.cpuUsage(selfBefore);
  // max 0: a PostgreSQL process that ends during the run takes its CPU time out of the sum
  const perRequest = (us: number) => (result.requests.total ? Math.max(0, Math.round(us / result.requests.total)) : 0);
  return {
    label,
    serverCpuUs: perRequest(cpu),
    postgresCpuUs: perRequest(pg),
    loadCpuUs: perRequest(self.user + self.system),
    requests: result.requests.total,
    acknowledged,
    perSecond: acknowledged / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors,
    statuses,
  };
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
    console.log(`preparing database dp_bench_${id} (migrations, reference data, a campaign with ${DOCUMENTS} documents)…`);
    const { slug, campaignId, questions, ref } = await prepareDatabase(dbUrl.toString());
    const bodies = Array.from({ length: 1000 }, () => randomBody(questions, ref[0], ref[1], ref[2]));
    const bodyStrings = bodies.map((b) => JSON.stringify(b));
    const server = await startServer({
      ...process.env,
      NODE_ENV: 'development',
      BENCH_PORT: '0',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      REDIS_PREFIX: `dpbench:${id}`,
      LOG_LEVEL: 'silent',
      // the soft rate limit stays on the path (Redis counters) but with budgets a single load generator cannot reach
      SUBMISSION_RATE_PER_CLIENT: '1000000000',
      SUBMISSION_RATE_PER_IP: '1000000000',
    });
    child = server.child;
    const base = `http://127.0.0.1:${server.port}`;
    console.log(
      `server pid ${child.pid} on ${base}; ${CONNECTIONS} connections; ${cpus().length} CPU(s); ` +
        `load average before the runs ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} (other work on the machine lowers every figure)`,
    );

    await load(child.pid, 'warm-up', `${base}/__bench/validate/${slug}`, 2, bodyStrings, null);
    const ceiling = await load(
      child.pid,

      'no-database ceiling (same server: parse + validate)',
      `${base}/__bench/validate/${slug}`,
      CEILING_SECONDS,
      bodyStrings,
      null,
    );
    const bare = await load(
      child.pid,
      'calibration: bare Fastify route (same process, JSON in/out)',
      `http://127.0.0.1:${server.barePort}/bare`,
      CEILING_SECONDS,
      bodyStrings,
      null,
    );
    const ledger = { sent: new Map<string, number>(), acked: new Map<string, string>() };
    const submit = await load(
      child.pid,

      'submissions (validate + Redis limit + group commit)',
      `${base}/api/v1/public/campaigns/${slug}/responses`,
      SECONDS,
      bodyStrings,
      ledger,
    );

    // the ledger against the database
    const db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
    const rows: { idempotency_key: string; receipt: string; n: number; answers: number }[] = (
      await db.query(
        `SELECT r.idempotency_key, r.receipt, count(*) OVER (PARTITION BY r.idempotency_key)::int AS n,
                (SELECT count(*)::int FROM response_answers a WHERE a.response_id = r.id) AS answers
           FROM responses r WHERE r.campaign_id = $1`,
        [campaignId],
      )
    ).rows;
    // the tallies as readers see them (deltas not folded yet: the worker's tick is not running), then folded
    const query = async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows;
    const unfolded = await tallyMismatches({ query }, campaignId);
    const [{ n: deltas }] = await query(`SELECT fold_tallies() AS n`);
    const folded = await tallyMismatches({ query }, campaignId);
    await db.end();
    const stored = new Map(rows.map((r) => [r.idempotency_key, r]));
    let lost = 0;
    let twice = 0;
    let wrongReceipt = 0;
    let wrongAnswers = 0;
    for (const [key, receipt] of ledger.acked) {
      const row = stored.get(key);
      if (!row) lost++;
      else {
        if (row.n !== 1) twice++;
        if (row.receipt !== receipt) wrongReceipt++;
      }
    }
    for (const r of rows) if (r.answers !== expectedRows(bodies[ledger.sent.get(r.idempotency_key)!])) wrongAnswers++;
    const unacked = rows.filter((r) => !ledger.acked.has(r.idempotency_key)).length;

    const table = [bare, ceiling, submit].map((r) => ({
      run: r.label,
      'req/s (2xx)': Math.round(r.perSecond),
      'p50 ms': r.p50,
      'p99 ms': r.p99,
      errors: r.errors,
      'server CPU µs/req': r.serverCpuUs,
      'PostgreSQL CPU µs/req': r.postgresCpuUs,
      'load generator CPU µs/req': r.loadCpuUs,
      statuses: Object.entries(r.statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(' '),
    }));
    console.table(table);
    console.log(`submissions/s: ${Math.round(submit.perSecond)}  (aim 3000, floor 2000)`);
    console.log(`p50 / p99 latency: ${submit.p50} ms / ${submit.p99} ms  (aim p99 < 60 ms)`);
    console.log(`errors: ${submit.errors}`);
    console.log(
      `no-database ceiling: ${Math.round(ceiling.perSecond)}/s; submissions reach ${((100 * submit.perSecond) / ceiling.perSecond).toFixed(1)} % of it`,
    );
    console.log(
      `ledger: ${ledger.acked.size} acknowledged, ${rows.length} rows stored, lost ${lost}, stored twice ${twice}, receipt mismatch ${wrongReceipt}, ` +
        `answer rows wrong ${wrongAnswers}, stored but not acknowledged (in flight at the end) ${unacked}`,
    );
    const differ = [...unfolded, ...folded];
    console.log(
      `tallies against a recount from the rows: ${differ.length ? `DIFFER: ${differ.slice(0, 5).join('; ')}` : 'equal'} ` +
        `(before and after folding ${deltas} delta rows)`,
    );
    const ok = lost === 0 && twice === 0 && wrongReceipt === 0 && wrongAnswers === 0 && submit.errors === 0 && !differ.length;
    console.log(ok ? 'OK: every acknowledged submission is stored exactly once' : 'FAILED: see the ledger line above');
    process.exitCode = ok ? 0 : 1;
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
