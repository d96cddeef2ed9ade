/**
 * (f) A stage closes while submissions keep arriving: every acknowledged submission was stored before the close (by
 * the database clock), every refused one (409) is not stored, and nothing is stored after the close.
 */
import type { DataSource } from 'typeorm';
import { recordFigure } from './lib/figures';
import { Ledger, loadReference, reconcile, runLoad } from './lib/load';
import { AppProcess, processEnv, sleep } from './lib/processes';
import { connect, loadCampaign } from './lib/scenario';

const CLIENTS = 16;

describe('(f) submissions racing the close of the discussion stage', () => {
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

  it('accepts nothing after the deadline and loses nothing acknowledged before it', async () => {
    const [{ now }] = await ds.query(`SELECT now() AS now`);
    const closesAt = new Date(new Date(now).getTime() + 5_000);
    const campaign = await loadCampaign(ds, { closesAt });
    const ledger = new Ledger();
    let stop = false;
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
    await sleep(Math.max(0, closesAt.getTime() - new Date(now).getTime()) + 2_500);
    stop = true;
    await load;

    const r = await reconcile(ds, campaign.id, ledger);
    const [late] = await ds.query(
      `SELECT count(*) FILTER (WHERE r.created_at >= c.discussion_closes_at)::int AS after_close,
              max(r.created_at) AS last_stored, c.discussion_closes_at AS closes_at
         FROM responses r JOIN campaigns c ON c.id = r.campaign_id WHERE r.campaign_id = $1 GROUP BY c.discussion_closes_at`,
      [campaign.id],
    );
    const refusedStored: { n: number }[] = await ds.query(
      `SELECT count(*)::int AS n FROM responses WHERE campaign_id = $1 AND idempotency_key = ANY($2::text[])`,
      [campaign.id, [...ledger.refused]],
    );
    const marginMs = new Date(late.closes_at).getTime() - new Date(late.last_stored).getTime();
    recordFigure({
      scenario: '(f) submissions racing the stage close',
      load: `${CLIENTS} clients across the deadline, ${ledger.requests} requests`,
      faults: 'discussion_closes_at passes mid-load',
      acknowledged: r.acknowledged,
      lost: r.lost,
      duplicated: r.duplicated,
      notes: `${ledger.refused.size} refused with 409 after the close, ${refusedStored[0].n} of them stored; stored after the close: ${late.after_close}; last stored ${marginMs} ms before it`,
    });
    expect(r.acknowledged).toBeGreaterThan(0);
    expect(ledger.refused.size).toBeGreaterThan(0);
    expect(late.after_close).toBe(0);
    expect(refusedStored[0].n).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(r.receiptMismatch).toBe(0);
    expect(r.partial).toBe(0);
    expect(r.stored).toBe(r.acknowledged);
    expect(Object.keys(ledger.statuses).sort()).toEqual(['201', '409']);
  });
});
