import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ReferenceService } from '../../src/reference/reference.service';
import { ReferenceRepository } from '../../src/reference/reference.repository';
import { createApp } from '../../src/app.factory';
import { CoreModule } from '../../src/core.module';
import { MailProcessor } from '../../src/mail/mail.processor';
import { MailService } from '../../src/mail/mail.service';
import { OutboxRelayService } from '../../src/queue/outbox-relay.service';
import { QueueName } from '../../src/queue/queue-registry';
import { client } from '../setup/http';
import { ADMIN_DATABASE_URL } from '../setup/test-env';
import { startSmtp, TestSmtp } from '../setup/smtp';

async function waitFor<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A redis-server of this suite's own on a free port: stopping it never disturbs the shared Redis others use. */
class OwnRedis {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  static async create(): Promise<OwnRedis> {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const redis = new OwnRedis(port);
    await redis.start();
    return redis;
  }

  /** Starts empty: no persistence, as after a crash of a cache-only Redis. */
  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitFor(() => this.ping(), 10_000, `redis-server on ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    this.child = null;
  }

  async command(...args: [string, ...string[]]): Promise<unknown> {
    const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      return await r.call(...args);
    } finally {
      r.disconnect();
    }
  }

  async ping(): Promise<boolean> {
    return this.command('PING').then(
      (v) => v === 'PONG',
      () => false,
    );
  }
}

/**
 * A database of this suite's own: its relay talks to its own Redis, so it must not take outbox rows of suites
 * running in parallel against the run's database (their workers use the shared Redis), nor they its rows.
 */
async function createOwnDatabase(): Promise<string> {
  const url = new URL(process.env.DATABASE_URL!);
  const name = `${url.pathname.slice(1)}_outage`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  const ds = new DataSource({ ...dataSourceOptions(loadConfig({ ...process.env, DATABASE_URL: url.toString() })), logging: false });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await new ReferenceService(new ReferenceRepository(ds)).seedReference();
  await ds.destroy();
  return url.toString();
}

async function dropDatabase(url: string): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`);
  await admin.end();
}

/**
 * The worker of this suite: the outbox relay and the mail processor only (what the scenario exercises), so the
 * suite does not depend on every other processor of src/worker.module.ts.
 */
@Module({ imports: [CoreModule], providers: [OutboxRelayService, MailProcessor] })
class MailWorkerModule {}

describe('Redis outage: the platform degrades, loses nothing committed, and catches up', () => {
  const saved = {
    REDIS_URL: process.env.REDIS_URL,
    SMTP_URL: process.env.SMTP_URL,
    OUTBOX_LOST_AFTER_MS: process.env.OUTBOX_LOST_AFTER_MS,
    DATABASE_URL: process.env.DATABASE_URL,
  };
  let ownDatabase: string;
  let redis: OwnRedis;
  let smtp: TestSmtp;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let api: ReturnType<typeof client>;
  const tag = randomBytes(3).toString('hex');

  const queueMail = (to: string) => worker.get(MailService).queue(null, { to, template: 'test', context: { name: 'Outage' } });
  const outboxOf = async (mailId: string) =>
    (
      await ds.query(
        `SELECT dispatched_at IS NOT NULL AS dispatched, completed_at IS NOT NULL AS completed, dispatch_attempts, last_error
           FROM outbox WHERE payload->>'mailId' = $1`,
        [mailId],
      )
    )[0];
  const mailStatus = async (mailId: string) => (await ds.query(`SELECT status FROM mail_messages WHERE id = $1`, [mailId]))[0].status;
  const received = (to: string) => smtp.messages.filter((m) => m.to.includes(to)).length;

  beforeAll(async () => {
    redis = await OwnRedis.create();
    smtp = await startSmtp();
    ownDatabase = await createOwnDatabase();
    process.env.DATABASE_URL = ownDatabase;
    process.env.REDIS_URL = redis.url;
    process.env.SMTP_URL = smtp.url;
    process.env.OUTBOX_LOST_AFTER_MS = '1000';
    app = await createApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    api = client(`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`);
    ds = app.get<DataSource>(getDataSourceToken());
    worker = await NestFactory.createApplicationContext(MailWorkerModule, { logger: false });
    await worker.init();
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await smtp?.close();
    await redis?.stop();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    if (ownDatabase) await dropDatabase(ownDatabase);
  });

  it('stopping Redis: /health 503 naming redis, public requests still served, outbox rows kept; restarted empty: each delivered once', async () => {
    const before = `before-${tag}@example.org`;
    await queueMail(before);
    await smtp.waitForCount(1);
    expect((await api.get('/health')).status).toBe(200);

    await redis.stop();
    const down = await waitFor(
      async () => {
        const res = await api.get('/health');
        return res.status === 503 ? res : null;
      },
      10_000,
      '/health 503',
    );
    expect(down.body.status).toBe('error');
    expect(down.body.error.redis.status).toBe('down');
    expect(Object.keys(down.body.error)).toEqual(['redis']);
    expect(down.body.info.postgres.status).toBe('up');

    // public reads need only PostgreSQL
    const territories = await api.get('/api/v1/territories');
    expect(territories.status).toBe(200);
    expect(territories.body).toHaveLength(43);
    const login = await api.request('GET', '/login', { headers: { accept: 'text/html' } });
    expect(login.status).toBe(200);
    // signing in needs Redis (sessions, throttling): a clear 503, not a 500
    const signIn = await api.post('/api/v1/auth/login', { email: 'nobody@example.org', password: 'whatever-password' });
    expect(signIn.status).toBe(503);
    expect(signIn.body.error).toBe('Service Unavailable');

    // work committed while Redis is down is written to PostgreSQL and waits there
    const recipients = [1, 2, 3, 4, 5].map((i) => `outage-${i}-${tag}@example.org`);
    const ids: string[] = [];
    for (const to of recipients) ids.push(await queueMail(to));
    await waitFor(async () => (await outboxOf(ids[0])).last_error !== null, 20_000, 'a failed dispatch attempt');
    for (const id of ids) {
      const row = await outboxOf(id);
      expect(row.completed).toBe(false);
      expect(await mailStatus(id)).toBe('queued');
    }
    expect(smtp.messages.length).toBe(1);

    await redis.start(); // empty: nothing survived in Redis
    await waitFor(async () => (await api.get('/health')).status === 200, 20_000, '/health 200 again');
    await smtp.waitForCount(1 + recipients.length, 30_000);
    for (const id of ids) {
      await waitFor(async () => (await outboxOf(id)).completed, 20_000, `outbox row of ${id} completed`);
      expect(await mailStatus(id)).toBe('sent');
    }
    for (const to of [before, ...recipients]) expect(received(to)).toBe(1);
  });

  it('a dispatched job that Redis lost (FLUSHALL) is handed to Bull again by the lost-job sweep and sent once', async () => {
    const mailQueue = worker.get(OutboxRelayService).queue(QueueName.Mail);
    await mailQueue.pause(true); // this worker stops taking jobs: the job waits in Redis
    const to = `lost-${tag}@example.org`;
    const id = await queueMail(to);
    const dispatched = await waitFor(
      async () => {
        const row = await outboxOf(id);
        return row.dispatched ? row : null;
      },
      10_000,
      'dispatch',
    );
    expect(dispatched.dispatch_attempts).toBe(1);
    const [{ id: outboxId }] = await ds.query(`SELECT id FROM outbox WHERE payload->>'mailId' = $1`, [id]);
    expect(await mailQueue.getJob(outboxId)).not.toBeNull();

    expect(await redis.command('FLUSHALL')).toBe('OK');
    expect(await mailQueue.getJob(outboxId)).toBeNull();
    await mailQueue.resume(true);

    await waitFor(async () => (await outboxOf(id)).completed, 30_000, 'lost job re-sent and completed');
    expect(await mailStatus(id)).toBe('sent');
    expect((await outboxOf(id)).dispatch_attempts).toBe(2);
    expect(received(to)).toBe(1);
  });
});
