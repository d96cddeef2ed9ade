import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/app.config';
import { dataSourceOptions } from '../../../src/database/data-source-options';
import { ReferenceService } from '../../../src/reference/reference.service';
import { ReferenceRepository } from '../../../src/reference/reference.repository';
import { freePort } from './processes';

const run = promisify(execFile);
const BIN = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * A throwaway PostgreSQL cluster of the scenario's own (initdb into a temporary folder, its own port), so it can be
 * restarted and stopped without touching the shared server others use. PostgreSQL refuses to run as root: every
 * command runs as the `postgres` system user. Async commands, so the load running in this process keeps going.
 */
export class OwnPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/faults`;
  }

  static async create(): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'pgfault-'));
    const { uid, gid } = await ids();
    chownSync(dir, uid, gid);
    const pg = new OwnPostgres(dir, await freePort());
    await pg.asPostgres(`${BIN}/initdb`, [
      '-D',
      join(dir, 'data'),
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale',
      'C.UTF-8',
    ]);
    await pg.start();
    const admin = new Client({ connectionString: pg.url.replace(/\/faults$/, '/postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE faults');
    await admin.end();
    const ds = new DataSource({ ...dataSourceOptions(loadConfig({ ...process.env, DATABASE_URL: pg.url })), logging: false });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await new ReferenceService(new ReferenceRepository(ds)).seedReference();
    await ds.destroy();
    return pg;
  }

  private asPostgres(cmd: string, args: string[]) {
    return run('runuser', ['-u', 'postgres', '--', cmd, ...args], { cwd: this.dir });
  }

  private ctl(...args: string[]) {
    return this.asPostgres(`${BIN}/pg_ctl`, ['-D', join(this.dir, 'data'), '-w', '-t', '60', ...args]);
  }

  start() {
    return this.ctl('-o', `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1`, '-l', join(this.dir, 'log'), 'start');
  }

  /** Fast shutdown (sessions terminated, clean checkpoint) and start again. */
  restart() {
    // -l: without a log file the new postmaster keeps pg_ctl's output pipes open and the command never "ends"
    return this.ctl('-o', `-p ${this.port} -k /tmp -c listen_addresses=127.0.0.1`, '-l', join(this.dir, 'log'), '-m', 'fast', 'restart');
  }

  /** As a crash: no checkpoint; recovery replays the WAL at the next start. */
  stopImmediate() {
    return this.ctl('-m', 'immediate', 'stop');
  }

  /** Ends every other session of the scenario's database (as an administrator or a failover would). */
  async terminateBackends(): Promise<number> {
    const c = new Client({ connectionString: this.url });
    await c.connect();
    try {
      const res = await c.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      return res.rowCount ?? 0;
    } finally {
      await c.end();
    }
  }

  async destroy(): Promise<void> {
    await this.ctl('-m', 'immediate', 'stop').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function ids(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
