/**
 * `npm run bench:aggregate`: fills a campaign with N synthetic responses (default 100,000; 3 documents with the
 * default questionnaire) and expert reviews, then times the aggregation and each report format, each in a fresh
 * worker-like child process, printing the time, that process's CPU time and its peak RSS.
 *
 * The children run the code the production worker runs: compiled by tsc (as `npm run build`, into
 * dist/bench-aggregate) and started with the worker's flags (`npm run start:worker`: --max-old-space-size=192
 * --max-semi-space-size=8). Compiling TypeScript in the process (swc-node) would add ~50 MiB of RSS and its own CPU.
 *
 * Settings (env): BENCH_RESPONSES (100000), BENCH_DOCUMENTS (3), BENCH_EXPERTS (40), BENCH_AGGREGATIONS (3),
 * BENCH_WORKER_HEAP_MB (192: --max-old-space-size of the worker-like child), BENCH_BATCH (raw rows per keyset batch,
 * 2000), BENCH_SWC=1 (children under swc-node instead of the compiled code),
 * BENCH_ADMIN_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL, BENCH_KEEP_DB=1 (keeps the
 * database and the report files), BENCH_DATABASE_NAME (times a kept database again, no fill), BENCH_PHASES
 * (aggregate,xlsx,csv,pdf), BENCH_CPU_PROF_DIR (a V8 CPU profile of each phase's process).
 * Needs PostgreSQL and Redis running; creates and drops a database of its own. Aims: aggregation < 1 s,
 * XLSX of 100,000 raw rows < 15 s with peak RSS < 300 MB, PDF < 5 s.
 */
import 'reflect-metadata';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuditModule } from '../src/audit/audit.module';
import { CommonModule } from '../src/common/common.module';
import { RedisModule } from '../src/common/redis.module';
import { AppConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { MailModule } from '../src/mail/mail.module';
import { QueueModule } from '../src/queue/queue.module';
import { referenceData } from '../src/reference/reference-data';
import { insertBenchDocuments, insertBenchResponses, openBenchDatabase, tallyMismatches } from './lib/bench-database';
import { ReportDataService } from '../src/reports/report-data.service';
import { ReportFormat, ReportKind } from '../src/reports/report-status';
import { ReportsModule } from '../src/reports/reports.module';
import { ReportsService } from '../src/reports/reports.service';
import { ResultsModule } from '../src/results/results.module';
import { ResultsService } from '../src/results/results.service';
import { StorageModule } from '../src/storage/storage.module';

const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 100_000);
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 3);
const EXPERTS = Number(process.env.BENCH_EXPERTS ?? 40);
const AGGREGATIONS = Number(process.env.BENCH_AGGREGATIONS ?? 3);
const WORKER_HEAP_MB = Number(process.env.BENCH_WORKER_HEAP_MB ?? 192);
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const SWC = process.env.BENCH_SWC === '1';
/** An existing benchmark database (kept with BENCH_KEEP_DB=1) to time again without filling a new one. */
const REUSE_DB = process.env.BENCH_DATABASE_NAME;
const PHASES = (process.env.BENCH_PHASES ?? 'aggregate,xlsx,csv,pdf').split(',') as Phase[];
/** Writes a V8 CPU profile of each phase's process into this folder (open it in Chrome's DevTools). */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF_DIR;
/** This file as tsc emits it with bench/tsconfig.aggregate.json (rootDir: the project). */
const COMPILED = join(__dirname, '..', 'dist', 'bench-aggregate', 'bench', 'aggregate.bench.js');

type Phase = 'aggregate' | 'xlsx' | 'csv' | 'pdf';

interface PhaseResult {
  phase: Phase;
  ms: number[];
  peakRssMb: number;
  baseRssMb: number;
  peakHeapMb: number;
  /** CPU time (user + system, all threads) of the worker-like process over the timed part, per run (ms) */
  cpuMs: number[];
  sizeBytes?: number;
  /** 1-minute load average when the phase started: the machine is shared, times grow with it */
  load?: number;
}

async function fill(url: string): Promise<string> {
  const ds = await openBenchDatabase(url);
  const data = referenceData();
  const [{ id: campaignId }] = await ds.query(
    `INSERT INTO campaigns (slug, title, status, criterion_scale, row_version, status_changed_at)
     VALUES ($1, 'Бенчмарк: итоги обсуждения и экспертизы', 'expertise', $2::jsonb, 1, now()) RETURNING id`,
    [`bench-${randomBytes(4).toString('hex')}`, JSON.stringify(data.defaultCriterionScale)],
  );
  const started = Date.now();
  const questions = await insertBenchDocuments(ds, campaignId, DOCUMENTS);
  await insertBenchResponses(ds, campaignId, questions, RESPONSES);
  // expertise: default criteria, EXPERTS experts, each reviewing every document
  const criteria: string[] = [];
  for (const [i, text] of data.defaultExpertCriteria.entries()) {
    const [c] = await ds.query(`INSERT INTO criteria (campaign_id, text, sort_order) VALUES ($1, $2, $3) RETURNING id`, [
      campaignId,
      text,
      i,
    ]);
    criteria.push(c.id);
  }
  await ds.query(
    `WITH u AS (
       INSERT INTO users (email, password_hash, role, full_name)
       SELECT 'bench-expert-' || i || '@example.org', 'x', 'expert', 'Эксперт ' || i FROM generate_series(1, $1::int) i RETURNING id)
     INSERT INTO expert_profiles (user_id, status, territory_id, organization_name, position)
     SELECT u.id, 'approved', (SELECT id FROM territories ORDER BY random() LIMIT 1), 'Школа', 'teacher' FROM u`,
    [EXPERTS],
  );
  await ds.query(
    `INSERT INTO assignments (campaign_id, document_id, expert_id, status, recommendation, general_comment, submitted_at, row_version)
     SELECT $1, d.id, u.id, 'submitted', (ARRAY['approve','approve_with_revisions','reject'])[1 + floor(random() * 3)::int], 'Общий комментарий', now(), 1
       FROM documents d CROSS JOIN users u WHERE d.campaign_id = $1 AND u.role = 'expert'`,
    [campaignId],
  );
  await ds.query(
    `INSERT INTO review_scores (assignment_id, criterion_id, score, comment)
     SELECT a.id, c, CASE WHEN random() < 0.6 THEN 2 WHEN random() < 0.7 THEN 1 ELSE 0 END, 'Комментарий'
       FROM assignments a CROSS JOIN unnest($2::uuid[]) AS c WHERE a.campaign_id = $1`,
    [campaignId, criteria],
  );
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM response_answers`);
  console.log(
    `filled ${RESPONSES} responses (${n} answer rows) and ${EXPERTS * DOCUMENTS} reviews in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  // what the worker's scheduler tick does on a live system: the fill's tally deltas folded into the totals
  await ds.query(`SELECT fold_tallies()`);
  // what autovacuum does on a live system: statistics and the visibility map (index-only scans)
  await ds.query(`VACUUM ANALYZE`);
  const t = Date.now();
  const mismatches = await tallyMismatches(ds, campaignId);
  console.log(
    `tallies against a recount from the rows (${((Date.now() - t) / 1000).toFixed(1)} s): ${mismatches.length ? `DIFFER: ${mismatches.slice(0, 5).join('; ')}` : 'equal'}`,
  );
  if (mismatches.length) throw new Error('the tallies differ from the rows');
  await ds.destroy();
  return campaignId;
}

async function countResponses(url: string, campaignId: string): Promise<number> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    return (await db.query(`SELECT count(*)::int AS n FROM responses WHERE campaign_id = $1`, [campaignId])).rows[0].n;
  } finally {
    await db.end();
  }
}

async function benchCampaign(url: string): Promise<string> {
  const db = new Client({ connectionString: url });
  await db.connect();
  const { rows } = await db.query(`SELECT id FROM campaigns WHERE slug LIKE 'bench-%' ORDER BY created_at DESC LIMIT 1`);
  await db.end();
  if (!rows.length) throw new Error(`no benchmark campaign in ${url}`);
  return rows[0].id;
}

/** Child mode: one phase in a fresh worker-like process (Nest context with the real services). */
async function runPhase(phase: Phase, campaignId: string): Promise<void> {
  // only what a worker needs to aggregate and render: the benchmark does not depend on unrelated feature modules
  class BenchWorkerModule {}
  Module({
    imports: [
      AppConfigModule,
      CommonModule,
      DatabaseModule,
      RedisModule,
      QueueModule,
      StorageModule,
      AuditModule,
      MailModule,
      ResultsModule,
      ReportsModule,
    ],
  })(BenchWorkerModule);
  const ctx = await NestFactory.createApplicationContext(BenchWorkerModule, { logger: ['error'] });
  if (process.env.BENCH_BATCH) ReportDataService.BATCH = Number(process.env.BENCH_BATCH);
  if (process.env.BENCH_READERS) ReportDataService.READERS = Number(process.env.BENCH_READERS);
  const baseRssMb = process.memoryUsage().rss / 1024 / 1024;
  let peakHeapMb = 0;
  const sampler = setInterval(() => (peakHeapMb = Math.max(peakHeapMb, process.memoryUsage().heapUsed / 1024 / 1024)), 100);
  const results = ctx.get(ResultsService);
  const ms: number[] = [];
  const cpuMs: number[] = [];
  const cpuOf = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  let sizeBytes: number | undefined;
  if (phase === 'aggregate') {
    for (let i = 0; i < AGGREGATIONS; i++) {
      const [t, cpu] = [performance.now(), process.cpuUsage()];
      await results.aggregate(campaignId);
      ms.push(performance.now() - t);
      cpuMs.push(cpuOf(cpu));
    }
  } else {
    const reports = ctx.get(ReportsService);
    const format = { xlsx: ReportFormat.Xlsx, csv: ReportFormat.Csv, pdf: ReportFormat.Pdf }[phase];
    const { id } = await reports.requestReport(campaignId, ReportKind.Full, format, null);
    const [t, cpu] = [performance.now(), process.cpuUsage()];
    const ready = await reports.buildReport(id, true);
    ms.push(performance.now() - t);
    cpuMs.push(cpuOf(cpu));
    if (!ready) throw new Error(`report ${phase} failed: ${(await reports.get(id)).error}`);
    sizeBytes = ready.size ?? undefined;
  }
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  clearInterval(sampler);
  await ctx.close();
  const result: PhaseResult = { phase, ms, peakRssMb, baseRssMb, peakHeapMb, cpuMs, sizeBytes };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

/** The worker's code as production runs it: tsc output of src (and this file), built afresh. */
function build(): void {
  rmSync(join(__dirname, '..', 'dist', 'bench-aggregate'), { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(__dirname, 'tsconfig.aggregate.json')], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) throw new Error(`tsc exited with ${tsc.status}`);
}

function child(phase: Phase, campaignId: string, env: NodeJS.ProcessEnv): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const load = loadavg()[0];
    // the worker's heap flags (package.json start:worker, Dockerfile): V8 otherwise lets garbage pile up to several
    // hundred MB before collecting
    const code = SWC ? ['-r', '@swc-node/register', __filename] : [COMPILED];
    const p = spawn(
      process.execPath,
      [
        `--max-old-space-size=${WORKER_HEAP_MB}`,
        `--max-semi-space-size=${process.env.BENCH_SEMI ?? 8}`,
        ...(CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []),
        ...code,
        '--phase',
        phase,
        campaignId,
      ],
      {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    p.on('exit', (code) => {
      const m = /RESULT (.+)/.exec(out);
      if (code === 0 && m) resolve({ ...(JSON.parse(m[1]) as PhaseResult), load });
      else reject(new Error(`phase ${phase} exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

async function main(): Promise<void> {
  const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dbName = REUSE_DB ?? `dp_bench_agg_${id}`;
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const storageDir = join(tmpdir(), `dp-bench-${id}`);
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  if (!REUSE_DB) await admin.query(`CREATE DATABASE "${dbName}"`);
  try {
    if (!SWC) {
      console.log('building the worker code (tsc)…');
      build();
    }
    console.log(`preparing database ${dbName}…`);
    const campaignId = REUSE_DB ? await benchCampaign(dbUrl.toString()) : await fill(dbUrl.toString());
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      REDIS_PREFIX: `dpbench:${id}`,
      STORAGE_DIR: storageDir,
      LOG_LEVEL: 'error',
      SESSION_SECRET: randomBytes(24).toString('hex'),
      RESPONSE_SALT: randomBytes(24).toString('hex'),
    };
    // a kept database holds what it was filled with, whatever BENCH_RESPONSES says now
    const counted = await countResponses(dbUrl.toString(), campaignId);
    const rows: PhaseResult[] = [];
    for (const phase of PHASES) {
      console.log(`running ${phase}…`);
      rows.push(await child(phase, campaignId, env));
    }
    console.log(
      `\naggregation and reports: ${counted} responses, ${DOCUMENTS} documents, ${EXPERTS} experts ` +
        `(each phase in a fresh process, ${SWC ? 'swc-node' : 'compiled'}; CPU: the child's user + system time)`,
    );
    for (const r of rows) {
      const times = r.ms.map((x) => `${(x / 1000).toFixed(2)} s`).join(', ');
      const cpu = r.cpuMs.map((x) => (x / 1000).toFixed(2)).join(', ');
      const size = r.sizeBytes ? `, file ${(r.sizeBytes / 1e6).toFixed(1)} MB` : '';
      console.log(
        `${r.phase.padEnd(10)} ${times.padEnd(24)} CPU ${`${cpu} s`.padEnd(24)} load ${r.load?.toFixed(1)}  ` +
          `peak RSS ${r.peakRssMb.toFixed(0)} MiB = ${((r.peakRssMb * 1048576) / 1e6).toFixed(0)} MB ` +
          `(${r.baseRssMb.toFixed(0)} MiB after start, +${Math.max(0, r.peakRssMb - r.baseRssMb).toFixed(0)} MiB; ` +
          `JS heap peak ${r.peakHeapMb.toFixed(0)} MiB)${size}`,
      );
    }
  } finally {
    if (process.env.BENCH_KEEP_DB !== '1' && !REUSE_DB) {
      await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      rmSync(storageDir, { recursive: true, force: true }); // the report files: ~130 MB a run
    } else console.log(`kept database ${dbName} and the report files in ${storageDir}`);
    await admin.end();
  }
}

if (process.argv[2] === '--phase') {
  runPhase(process.argv[3] as Phase, process.argv[4]).then(
    () => process.exit(0),
    (err: Error) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main().catch((err: Error) => {
    console.error(err);
    process.exit(1);
  });
}
