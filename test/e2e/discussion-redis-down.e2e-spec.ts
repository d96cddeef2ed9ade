import { randomUUID } from 'node:crypto';
import { createCampaign, referenceIds, validSubmission } from '../factories/campaign.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

describe('submissions keep being accepted while Redis is down (the rate limit fails open)', () => {
  let t: TestApp;
  const realRedis = process.env.REDIS_URL;

  beforeAll(async () => {
    // nothing listens on port 1: every Redis command fails at once
    process.env.REDIS_URL = 'redis://127.0.0.1:1/0';
    t = await startApp();
  });
  afterAll(async () => {
    await t?.close();
    process.env.REDIS_URL = realRedis;
  });

  it('stores a submission through the API and through the page form', async () => {
    const api = client(t.url);
    const ref = await referenceIds(t.dataSource);
    const c = await createCampaign(t.dataSource);
    const key = randomUUID();
    const res = await api.post(`/api/v1/public/campaigns/${c.slug}/responses`, validSubmission(c, ref), {
      headers: { 'idempotency-key': key },
    });
    expect(res.status).toBe(201);
    const again = await api.post(`/api/v1/public/campaigns/${c.slug}/responses`, validSubmission(c, ref), {
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(200);
    expect(again.body.receipt).toBe(res.body.receipt);
    const page = await api.get(`/c/${c.slug}/form`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const form: Record<string, string> = {
      key: /name="key" value="([^"]+)"/.exec(page.text)![1],
      territoryId: ref.territoryId,
      organizationType: 'school',
      position: 'teacher',
    };
    for (const q of c.questions) form[`q_${q.id}`] = q.kind === 'multi' ? q.options[0].id : q.kind === 'scale' ? '3' : 'Текст';
    const posted = await api.post(`/c/${c.slug}/form`, undefined, { form });
    expect(posted.status).toBe(303);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM responses WHERE campaign_id = $1`, [c.id]);
    expect(n).toBe(2);
  });
});
