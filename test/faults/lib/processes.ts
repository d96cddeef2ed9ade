import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The processes under test run this checkout's code; FAULTS_APP_ROOT may point at another copy (e.g. a clean export of HEAD). */
const ROOT = process.env.FAULTS_APP_ROOT ?? join(__dirname, '..', '..', '..');

export async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => resolve(p));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => null);
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Settings of the processes under test: the suite's database and Redis prefix (unless overridden), fast polling, and
 * a rate limit high enough for a load from one address (still on, so its fail-open path is exercised).
 */
export function processEnv(overrides: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return {
    ...env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_MS: '50',
    OUTBOX_LOST_AFTER_MS: '1000',
    SUBMISSION_RATE_PER_CLIENT: '1000000',
    SUBMISSION_RATE_PER_IP: '1000000',
    DATABASE_POOL_SIZE: '8',
    BULL_BOARD: 'off',
    ...overrides,
  };
}

/** The app or the worker as a real child process, so it can be SIGKILLed, SIGSTOPped and restarted. */
export class NodeProcess {
  private child: ChildProcess | null = null;
  private output: string[] = [];

  constructor(
    readonly name: string,
    private readonly script: 'src/main.ts' | 'src/worker.ts',
    public env: Record<string, string>,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Last lines of its output: printed when a scenario fails, to see why. */
  tail(): string {
    return this.output.slice(-30).join('');
  }

  async start(ready: () => Promise<boolean>): Promise<void> {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', this.script], {
      cwd: ROOT,
      env: { ...this.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (b: Buffer) => {
      this.output.push(b.toString());
      if (this.output.length > 200) this.output.splice(0, 100);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const end = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} exited at start:\n${this.tail()}`);
      if (await ready().catch(() => false)) return;
      if (Date.now() > end) throw new Error(`${this.name} did not start in 90 s:\n${this.tail()}`);
      await sleep(100);
    }
  }

  signal(sig: NodeJS.Signals): void {
    this.child?.kill(sig);
  }

  /** SIGKILL and wait for the exit: nothing runs its shutdown hooks. */
  async kill(): Promise<void> {
    await this.stopWith('SIGKILL');
  }

  async stopWith(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (sig !== 'SIGKILL') child.kill('SIGCONT');
    child.kill(sig);
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  }
}

export class AppProcess extends NodeProcess {
  constructor(
    readonly port: number,
    env: Record<string, string>,
  ) {
    super('app', 'src/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async create(env: Record<string, string>): Promise<AppProcess> {
    const app = new AppProcess(await freePort(), env);
    await app.boot();
    return app;
  }

  /** Started when it answers HTTP (/health may be 503 while a backing service is down). */
  boot(): Promise<void> {
    return this.start(async () => {
      const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
      return res.status === 200 || res.status === 503;
    });
  }
}

export class WorkerProcess extends NodeProcess {
  private started = false;

  constructor(env: Record<string, string>, name = 'worker') {
    super(name, 'src/worker.ts', env);
  }

  static async create(env: Record<string, string>, name = 'worker'): Promise<WorkerProcess> {
    const w = new WorkerProcess(env, name);
    await w.boot();
    return w;
  }

  boot(): Promise<void> {
    this.started = false;
    return this.start(async () => this.started || (this.started = this.tail().includes('worker started')));
  }
}

const T0 = Date.now();

/** A progress line of a scenario (what fault is being injected when), on stderr so a hang shows where it stopped. */
export function step(message: string): void {
  process.stderr.write(`[fault +${((Date.now() - T0) / 1000).toFixed(1)} s] ${message}\n`);
}
