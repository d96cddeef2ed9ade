import 'reflect-metadata';
import { givenEnv } from './demo-env';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { isAbsolute, join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { CliModule } from '../src/cli/cli.module';
import { DEMO_LOGINS, DemoSeedService } from '../src/cli/demo-seed.service';
import { projectRoot } from '../src/common/project-root';
import { AppConfig, loadConfig } from '../src/config/app.config';
import { ReferenceService } from '../src/reference/reference.service';
import { startMailSink } from './mail-sink';

/**
 * `npm run demo`: everything a first-time user needs, in one command. Creates the database if missing, migrates,
 * seeds reference data and the demo campaign, catches outgoing email locally (unless Mailpit or another SMTP
 * server already listens), then runs the HTTP server and the worker as child processes until Ctrl+C.
 */
const log = (line: string) => console.log(`[demo] ${line}`);

async function ensureDatabase(config: AppConfig): Promise<void> {
  const target = new URL(config.DATABASE_URL);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(config.DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${target.host} (${(err as Error).message}). Start PostgreSQL 15 or set DATABASE_URL.`);
  }
  try {
    const { rows } = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (!rows.length) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

async function checkRedis(config: AppConfig): Promise<void> {
  const redis = new Redis(config.REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 3_000,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    throw new Error(`Redis is not reachable at ${config.REDIS_URL} (${(err as Error).message}). Start Redis 7 or set REDIS_URL.`);
  } finally {
    redis.disconnect();
  }
}

async function migrateAndSeed(): Promise<void> {
  const ctx = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  try {
    const ran = await ctx.get<DataSource>(getDataSourceToken()).runMigrations({ transaction: 'each' });
    log(ran.length ? `applied ${ran.length} migration(s)` : 'database schema is up to date');
    const ref = await ctx.get(ReferenceService).seedReference();
    log(`reference data: ${ref.territories} territories, ${ref.organizations} organizations`);
    const demo = await ctx.get(DemoSeedService).seed();
    log(demo.campaignCreated ? `demo campaign created (${demo.responses} sample responses)` : 'demo campaign already present');
  } finally {
    await ctx.close();
  }
}

function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Catches the platform's emails as .eml files (read by the /dev/mail page) when no SMTP server (e.g. Mailpit) listens
 * on SMTP_URL.
 */
async function startDemoMailSink(config: AppConfig, base: string): Promise<string> {
  const url = new URL(config.SMTP_URL);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 1025);
  if (await isListening(host, port)) return `the SMTP server already listening at ${host}:${port} (e.g. Mailpit: http://${host}:8025)`;
  const dir = isAbsolute(config.DEV_MAIL_DIR) ? config.DEV_MAIL_DIR : join(projectRoot(), config.DEV_MAIL_DIR);
  const sink = await startMailSink(dir, host, port, (mail) =>
    log(`mail to ${mail.to.join(', ')}: «${mail.subject.slice(0, 100)}» — read it at ${base}/dev/mail`),
  );
  log(`local SMTP sink listening at ${host}:${sink.port}`);
  return config.DEV_MAIL === 'off' ? `${dir} (one .eml file per message)` : `${base}/dev/mail (saved in ${dir})`;
}

function startChild(name: string, entry: string, base: string): ChildProcess {
  // quiet by default so the summary stays readable; LOG_LEVEL=info shows every request
  // email links point at this demo (APP_URL's default names port 3000, whatever PORT says) unless APP_URL is given
  const env = { ...givenEnv, LOG_LEVEL: givenEnv.LOG_LEVEL ?? 'warn', APP_URL: givenEnv.APP_URL ?? base };
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], { cwd: projectRoot(), env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the demo`);
      stop(code ?? 1);
    }
  });
  return child;
}

let stopping = false;
const children: ChildProcess[] = [];

function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
  if (!alive.length) process.exit(code);
  let left = alive.length;
  for (const c of alive) {
    c.once('exit', () => {
      if (--left === 0) process.exit(code);
    });
    c.kill('SIGTERM');
  }
  setTimeout(() => process.exit(code), 10_000).unref();
}

async function waitForHealth(url: string, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end && !stopping) {
    try {
      if ((await fetch(url)).status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config);
  await checkRedis(config);
  await migrateAndSeed();
  const base = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  // otherwise the health check below would find whatever already answers there and call the demo started
  if (await isListening(config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST, config.PORT)) {
    throw new Error(`port ${config.PORT} is already in use (another demo or server?): stop it or set PORT`);
  }
  const mail = await startDemoMailSink(config, base);

  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  children.push(startChild('HTTP server', 'src/main.ts', base), startChild('worker', 'src/worker.ts', base));

  if (!(await waitForHealth(`${base}/health`, 60_000))) {
    log(`the HTTP server did not answer ${base}/health in 60 s`);
    return stop(1);
  }
  const lines = [
    '',
    '================ Demo is running ================',
    `  Platform:      ${base}/`,
    `  Login page:    ${base}/login`,
    `  API docs:      ${base}/api/docs`,
    `  Health:        ${base}/health`,
    `  Queues:        ${base}/admin/queues (admin)`,
    `  Emails:        ${mail}`,
    '',
    '  Demo logins (FOR A LOCAL DEMO ONLY: never use them on a server others can reach):',
    ...DEMO_LOGINS.map((l) => `    ${l.role.padEnd(10)} ${l.email.padEnd(22)} ${l.password}`),
    '',
    '  Press Ctrl+C to stop the server and the worker.',
    '=================================================',
    '',
  ];
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  stop(1);
});
