/**
 * (d) PostgreSQL connections dropped (pg_terminate_backend), PostgreSQL restarted (fast) and crashed (immediate stop,
 * down for a few seconds) under a load of public submissions, on a throwaway cluster of the scenario's own. Requests
 * that cannot be served get 503 in the API error shape, with no internals; /health names postgres; the app's pool
 * recovers without restarting the app; nothing acknowledged is lost or stored twice.
 */
import type { DataSource } from 'typeorm';
import { recordFigure } from './lib/figures';
import { Ledger, loadReference, reconcile, runLoad } from './lib/load';
import { OwnPostgres } from './lib/own-postgres';
import { AppProcess, processEnv, sleep, step, waitUntil } from './lib/processes';
import { connect, loadCampaign } from './lib/scenario';

const CLIENTS = 8;
const UNAVAILABLE = { statusCode: 503, error: 'Service Unavailable', message: 'Сервис временно недоступен, попробуйте позже', code: 'UNAVAILABLE' };

describe('(d) PostgreSQL connections dropped and PostgreSQL restarted', () => {
  let pg: OwnPostgres;
  let ds: DataSource;
  let app: AppProcess;

  beforeAll(async () => {
    pg = await OwnPostgres.create();
    ds = await connect(pg.url);
    app = await AppProcess.create(processEnv({ DATABASE_URL: pg.url }));
  });

  afterAll(async () => {
    await app?.kill();
    await ds?.destroy().catch(() => undefined);
    await pg?.destroy();
  });

  it('answers 503 without internals while it cannot, recovers by itself, and loses nothing acknowledged', async () => {
    const campaign = await loadCampaign(ds);
    const reference = await loadReference(ds);
    await ds.destroy(); // the scenario's own connections would be terminated too; reconnect for the checks
    const pid = app.pid;
    const ledger = new Ledger();
    let stop = false;
    const started = Date.now();
    const load = runLoad(
      { baseUrl: () => app.url, slug: campaign.slug, questions: campaign.loadQuestions, reference, clients: CLIENTS, stop: () => stop },
      ledger,
    );

    await sleep(3_000);
    step('(d) terminating backends');
    let terminated = 0;
    for (let i = 0; i < 3; i++) {
      terminated += await pg.terminateBackends();
      await sleep(1_000);
    }
    await sleep(1_000);
    step('(d) restart -m fast');
    await pg.restart();
    await sleep(3_000);
    step('(d) stop -m immediate');
    await pg.stopImmediate();
    const acknowledgedAtCrash = ledger.acknowledged.size;
    await sleep(1_500);
    const health = await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(10_000) });
    const healthBody = (await health.json()) as { error?: Record<string, { status: string }> };
    const submitWhileDown = await fetch(`${app.url}/api/v1/public/campaigns/${campaign.slug}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'probe-while-down' },
      body: '{"profile":{},"answers":[]}',
      signal: AbortSignal.timeout(10_000),
    });
    const submitBody = await submitWhileDown.json();
    await sleep(2_500);
    step('(d) start');
    await pg.start();
    step('(d) started');
    await waitUntil(
      async () => (await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(10_000) })).status === 200,
      60_000,
      '/health 200 again',
    );
    const acknowledgedAfterRestart = ledger.acknowledged.size;
    await sleep(3_000);
    step(`(d) stopping load (${ledger.acknowledged.size} acknowledged)`);
    stop = true;
    await load;
    step('(d) load stopped');
    const seconds = Math.round((Date.now() - started) / 1000);

    ds = await connect(pg.url);
    const r = await reconcile(ds, campaign.id, ledger);
    const unavailable = ledger.statuses['503'] ?? 0;
    recordFigure({
      scenario: '(d) PostgreSQL connections dropped, restarted, crashed',
      load: `${CLIENTS} clients, ${seconds} s, ${ledger.requests} requests`,
      faults: `pg_terminate_backend ×3 (${terminated} sessions), restart -m fast, stop -m immediate for 4 s`,
      acknowledged: r.acknowledged,
      lost: r.lost,
      duplicated: r.duplicated,
      notes: `${unavailable} answers 503 (API error shape, no internals), 0 other errors; pool recovered without restarting the app; stored but unacknowledged: ${r.storedUnacknowledged}`,
    });

    expect(health.status).toBe(503);
    expect(healthBody.error?.postgres?.status).toBe('down');
    expect(submitWhileDown.status).toBe(503);
    expect(submitBody).toEqual(UNAVAILABLE);
    expect(unavailable).toBeGreaterThan(0);
    for (const [body] of ledger.serverErrors) expect(JSON.parse(body)).toEqual(UNAVAILABLE);
    expect(Object.keys(ledger.statuses).filter((s) => !['200', '201', '503'].includes(s))).toEqual([]);
    expect(app.pid).toBe(pid);
    expect(app.running).toBe(true);
    expect(acknowledgedAfterRestart).toBeGreaterThanOrEqual(acknowledgedAtCrash);
    expect(ledger.acknowledged.size).toBeGreaterThan(acknowledgedAfterRestart);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(r.receiptMismatch).toBe(0);
    expect(r.partial).toBe(0);
    expect(r.unknownKeys).toBe(0);
    expect(ledger.gaveUp.size).toBe(0);
    expect(r.stored).toBe(ledger.attempted.size);
  });
});
