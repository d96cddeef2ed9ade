import { randomUUID } from 'node:crypto';
import { Role } from '../../src/accounts/entities/user.entity';
import { ResultsService } from '../../src/results/results.service';
import { createCampaign, referenceIds, validSubmission } from '../factories/campaign.factory';
import { createUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

/** Live figures while a stage is open: the scheduler's duty asks for aggregation only when something changed. */
describe('live results refresh', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
  });
  afterAll(() => t.close());

  const pending = async (campaignId: string) =>
    (
      await t.dataSource.query(
        `SELECT dedupe_key FROM outbox WHERE job_name = 'aggregate-results' AND dispatched_at IS NULL AND payload->>'campaignId' = $1 ORDER BY dedupe_key`,
        [campaignId],
      )
    ).map((r: { dedupe_key: string }) => r.dedupe_key);

  it('enqueues one aggregation per changed open campaign, none when the snapshot is current', async () => {
    const results = t.app.get(ResultsService);
    const quiet = await createCampaign(t.dataSource, { documents: 1 });
    const busy = await createCampaign(t.dataSource, { documents: 1 });
    const ref = await referenceIds(t.dataSource);
    for (let i = 0; i < 3; i++) {
      const res = await api.post(`/api/v1/public/campaigns/${busy.slug}/responses`, validSubmission(busy, ref), {
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(201);
    }
    await results.refreshStaleOpenCampaigns();
    await results.refreshStaleOpenCampaigns();
    expect(await pending(busy.id)).toEqual([`aggregate:${busy.id}`]);
    expect(await pending(quiet.id)).toEqual([]);

    // once aggregated (well after the responses), nothing is stale any more
    await t.dataSource.query(`UPDATE outbox SET dispatched_at = now() WHERE payload->>'campaignId' = $1`, [busy.id]);
    await results.aggregate(busy.id);
    await t.dataSource.query(`UPDATE results_snapshots SET computed_at = now() + interval '1 minute' WHERE campaign_id = $1`, [busy.id]);
    await results.refreshStaleOpenCampaigns();
    expect(await pending(busy.id)).toEqual([]);
    expect((await results.latest(busy.id))!.discussion.respondents).toBe(3);
  });

  it("an organizer's exclusion enqueues a recomputation in the same transaction", async () => {
    const organizer = await createUser(t.app, t.url, Role.Organizer);
    const c = await createCampaign(t.dataSource, { documents: 1, status: 'discussion' });
    const ref = await referenceIds(t.dataSource);
    await api.post(`/api/v1/public/campaigns/${c.slug}/responses`, validSubmission(c, ref), {
      headers: { 'idempotency-key': randomUUID() },
    });
    const [{ id }] = await t.dataSource.query(`SELECT id FROM responses WHERE campaign_id = $1`, [c.id]);
    const res = await api.post(`/api/v1/campaigns/${c.id}/responses/${id}/exclude`, { reason: 'дубликат' }, { token: organizer.token });
    expect(res.status).toBe(200);
    expect(await pending(c.id)).toEqual([`aggregate-now:${c.id}`]);
  });
});
