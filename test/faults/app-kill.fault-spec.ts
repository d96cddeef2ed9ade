/**
 * (a) The app is SIGKILLed in the middle of a load of public submissions, twice, and started again on the same port;
 * clients retry each questionnaire with its own Idempotency-Key until acknowledged. Every acknowledged submission is
 * stored exactly once; those in flight when the app died are stored at most once.
 */
import type { DataSource } from 'typeorm';
import { recordFigure } from './lib/figures';
import { Ledger, loadReference, reconcile, runLoad } from './lib/load';
import { AppProcess, processEnv, sleep } from './lib/processes';
import { connect, loadCampaign } from './lib/scenario';

const CLIENTS = 16;
const KILLS = 3;

describe('(a) app killed during a load of submissions', () => {
  let ds: DataSource;
  let app: AppProcess;

  beforeAll(async () => {
    ds = await connect();
    app = await AppProcess.create(processEnv({}));
  });

  afterAll(async () => {
    await app?.kill();
    await ds?.destroy();
  });

  it('stores every acknowledged submission exactly once', async () => {
    const campaign = await loadCampaign(ds);
    const ledger = new Ledger();
    let stop = false;
    const started = Date.now();
    const load = runLoad(
      {
        baseUrl: () => app.url,
        slug: campaign.slug,
        questions: campaign.loadQuestions,
        reference: await loadReference(ds),
        clients: CLIENTS,
        stop: () => stop,
      },
      ledger,
    );
    const ackedAtKill: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      await sleep(3_000);
      ackedAtKill.push(ledger.acknowledged.size);
      await app.kill(); // mid-load: requests in flight lose their connection, batches in flight may or may not commit
      await app.boot();
    }
    await sleep(3_000);
    stop = true;
    await load;
    const seconds = Math.round((Date.now() - started) / 1000);

    const r = await reconcile(ds, campaign.id, ledger);
    recordFigure({
      scenario: '(a) app SIGKILLed under submission load',
      load: `${CLIENTS} clients, ${seconds} s, ${ledger.requests} requests`,
      faults: `${KILLS} × SIGKILL of the app (restarted)`,
      acknowledged: r.acknowledged,
      lost: r.lost,
      duplicated: r.duplicated,
      notes: `${ledger.retries} retries (${ledger.statuses['conn-error'] ?? 0} connection errors); stored but unacknowledged: ${r.storedUnacknowledged}; gave up: ${ledger.gaveUp.size}`,
    });
    expect(ackedAtKill.every((n) => n > 0)).toBe(true);
    expect(ledger.statuses['conn-error'] ?? 0).toBeGreaterThan(0);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(r.receiptMismatch).toBe(0);
    expect(r.partial).toBe(0);
    expect(r.unknownKeys).toBe(0);
    expect(ledger.gaveUp.size).toBe(0);
    // every key the clients sent is stored exactly once: acknowledged ones, and the ones retried to acknowledgement
    expect(r.stored).toBe(ledger.attempted.size);
    expect(r.storedUnacknowledged).toBe(0);
    expect(Object.keys(ledger.statuses).sort()).toEqual(['200', '201', 'conn-error'].filter((s) => ledger.statuses[s]).sort());
  });
});
