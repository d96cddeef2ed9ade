import { createCampaign, FactoryCampaign } from '../factories/campaign.factory';
import { startApp, TestApp, waitFor } from '../setup/app';

/** The cached questionnaire page follows the campaign: its version (updated_at), its stage and its documents. */
describe('questionnaire page cache', () => {
  let t: TestApp;
  let c: FactoryCampaign;
  const page = async (encoding = 'identity') => {
    const res = await fetch(`${t.url}/c/${c.slug}/form`, { headers: { accept: 'text/html', 'accept-encoding': encoding } });
    return { status: res.status, text: await res.text() };
  };

  beforeAll(async () => {
    t = await startApp();
    c = await createCampaign(t.dataSource, { documents: 2 });
  });
  afterAll(() => t.close());

  it('a new campaign version shows (title), every request has its own key, gzip and plain agree', async () => {
    const first = await page();
    expect(first.status).toBe(200);
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) keys.add(/name="key" value="([^"]+)"/.exec((await page()).text)![1]);
    expect(keys.size).toBe(5);

    await t.dataSource.query(`UPDATE campaigns SET title = 'Новое название обсуждения', updated_at = now() WHERE id = $1`, [c.id]);
    const renamed = await waitFor(
      async () => {
        const p = await page();
        return p.text.includes('Анкета: Новое название обсуждения') ? p : null;
      },
      10_000,
      'the new title',
    );
    expect(renamed.text).not.toContain(`Анкета: ${c.title}`);
    // fetch undoes gzip itself: the pre-made gzip holds the new title too
    const res = await fetch(`${t.url}/c/${c.slug}/form`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(await res.text()).toContain('Анкета: Новое название обсуждения');
  });

  it('a document renamed during the discussion (the campaign row untouched) shows within seconds', async () => {
    await t.dataSource.query(`UPDATE documents SET title = 'Положение о наставничестве (редакция 2)' WHERE id = $1`, [c.documents[0].id]);
    await waitFor(async () => (await page()).text.includes('Положение о наставничестве (редакция 2)'), 15_000, 'the new document title');
  });

  it('a stage change closes the form', async () => {
    await t.dataSource.query(`UPDATE campaigns SET status = 'revision', updated_at = now() WHERE id = $1`, [c.id]);
    const closed = await waitFor(
      async () => {
        const p = await page();
        return p.status === 409 ? p : null;
      },
      10_000,
      'the closed form',
    );
    expect(closed.text).toContain('сейчас не принимает ответы');
  });
});
