/**
 * `npm run bench:results`: the organizer's monitoring and results pages at scale. Fills a campaign with N synthetic
 * responses (default 100,000) from 34 of the 43 municipalities over two documents with the default questionnaire,
 * computes its results snapshot, starts the real HTTP app in this process and times sequential requests (after a
 * warm-up): the live coverage query alone, the campaign page (live coverage), the results page, the public results
 * page, a breakdown (API), and the free-text answers page (first page; a search). Prints median, p95 and max.
 *
 * Settings (env): BENCH_RESPONSES (100000), BENCH_REQUESTS (30 per target), BENCH_ADMIN_DATABASE_URL
 * (postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL, BENCH_KEEP_DB=1.
 * Needs PostgreSQL and Redis running; creates and drops a database of its own. Aim: coverage and the results page
 * ≤ 100 ms at 100,000 responses.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { Role } from '../src/accounts/entities/user.entity';
import { UsersService } from '../src/accounts/users.service';
import { createApp } from '../src/app.factory';
import { CoverageRepository } from '../src/results/coverage.repository';
import { ResultsService } from '../src/results/results.service';
import { insertBenchDocuments, insertBenchResponses, openBenchDatabase } from './lib/bench-database';

const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 100_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const USED_TERRITORIES = 34;

async function fill(url: string): Promise<{ campaignId: string; slug: string; textQuestionId: string; singleQuestionId: string }> {
  const ds = await openBenchDatabase(url);
  const slug = `bench-${randomBytes(4).toString('hex')}`;
  const [{ id: campaignId }] = await ds.query(
    `INSERT INTO campaigns (slug, title, status, criterion_scale, row_version, status_changed_at, results_published)
     VALUES ($1, 'Бенчмарк: охват и итоги', 'completed', '[{"score":0,"label":"нет"},{"score":1,"label":"частично"},{"score":2,"label":"полностью"}]'::jsonb, 1, now(), true)
     RETURNING id`,
    [slug],
  );
  const started = Date.now();
  // respondents from the first 34 active municipalities: 9 stay silent, as in the region's 2023 round
  const questions = await insertBenchDocuments(ds, campaignId, 2);
  await insertBenchResponses(ds, campaignId, questions, RESPONSES, USED_TERRITORIES);
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM response_answers`);
  console.log(`filled ${RESPONSES} responses (${n} answer rows) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await ds.query(`VACUUM ANALYZE`);
  await ds.destroy();
  return {
    campaignId,
    slug,
    textQuestionId: questions.find((q) => q.kind === 'text')!.id,
    singleQuestionId: questions.find((q) => q.kind === 'multi')!.id,
  };
}

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

async function time(label: string, run: () => Promise<void>, rows: string[]) {
  for (let i = 0; i < 3; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  const { median, p95, max } = stats(ms);
  rows.push(
    `${label.padEnd(44)} median ${median.toFixed(1).padStart(6)} ms   p95 ${p95.toFixed(1).padStart(6)} ms   max ${max.toFixed(1).padStart(6)} ms`,
  );
}

async function main(): Promise<void> {
  const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const dbName = `dp_bench_res_${id}`;
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  try {
    console.log(`preparing database ${dbName}…`);
    const fx = await fill(dbUrl.toString());
    Object.assign(process.env, {
      NODE_ENV: 'production',
      DATABASE_URL: dbUrl.toString(),
      REDIS_URL,
      REDIS_PREFIX: `dpbench:${id}`,
      LOG_LEVEL: 'error',
      SESSION_SECRET: randomBytes(24).toString('hex'),
      RESPONSE_SALT: randomBytes(24).toString('hex'),
    });
    // the app reads its configuration from the environment when it is created
    const app = await createApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const password = randomBytes(12).toString('hex');
      const email = `bench-organizer-${id}@example.org`;
      await app.get(UsersService).create({ email, password, role: Role.Organizer, fullName: 'Организатор бенчмарка' });
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const t = performance.now();
      await app.get(ResultsService).aggregate(fx.campaignId);
      console.log(`results snapshot computed in ${(performance.now() - t).toFixed(0)} ms`);

      const get =
        (path: string, accept = 'text/html') =>
        async () => {
          const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${accessToken}`, accept } });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
        };
      const coverage = app.get(CoverageRepository);
      const rows: string[] = [];
      const load = loadavg()[0];
      await time('live coverage query (CoverageRepository)', async () => void (await coverage.coverage(fx.campaignId)), rows);
      await time('campaign page (live coverage)', get(`/organizer/campaigns/${fx.campaignId}`), rows);
      await time('results page', get(`/organizer/campaigns/${fx.campaignId}/results`), rows);
      await time('public results page', get(`/c/${fx.slug}/results`), rows);
      await time(
        'breakdown API (multi-select by territory)',
        get(`/api/v1/campaigns/${fx.campaignId}/results/breakdown?questionId=${fx.singleQuestionId}&by=territory`, 'application/json'),
        rows,
      );
      await time('free-text answers page (first 50)', get(`/organizer/campaigns/${fx.campaignId}/results/answers`), rows);
      await time('free-text answers page (search)', get(`/organizer/campaigns/${fx.campaignId}/results/answers?q=B0012`), rows);
      console.log(
        `\nresults pages: ${RESPONSES} responses from ${USED_TERRITORIES} of 43 municipalities, 2 documents; ` +
          `${REQUESTS} sequential requests per line after 3 warm-up ones; load average ${load.toFixed(1)} at start`,
      );
      for (const r of rows) console.log(r);
    } finally {
      await app.close();
    }
  } finally {
    if (process.env.BENCH_KEEP_DB !== '1') await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    else console.log(`kept database ${dbName}`);
    await admin.end();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
