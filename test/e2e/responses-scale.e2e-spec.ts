import { Role } from '../../src/accounts/entities/user.entity';
import { createScaleCampaign, SCALE, ScaleFixture } from '../factories/seed-scale.factory';
import { createUser, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

interface RawRow {
  id: string;
  receipt: string;
  territory_id: string;
  position: string;
  organization_type: string;
  suspected_duplicate: boolean;
  excluded: boolean;
}

const html = { headers: { accept: 'text/html' } };
const totalOf = (page: string): number => Number(/id="responses-total">[^<]*<strong>([^<]+)<\/strong>/.exec(page)![1].replace(/\D/g, ''));
const receiptsOf = (page: string): string[] => [...page.matchAll(/>Квитанция ([^<]+)<\/a>/g)].map((m) => m[1]);
/** The next page's link as a browser reads it (Handlebars escapes `&` and `=` in attributes). */
const nextOf = (page: string): string | null =>
  /<a href="([^"]+)" rel="next">/.exec(page)?.[1].replaceAll('&amp;', '&').replaceAll('&#x3D;', '=') ?? null;

describe('organizer responses page at seed scale (2,603 responses): keyset paging, receipt search, filters, one response', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let fx: ScaleFixture;
  let raw: RawRow[];
  let base: string;
  const get = (path: string) => api.get(path, { ...html, cookie: `sid=${organizer.token}` });

  beforeAll(async () => {
    t = await startApp();
    const started = Date.now();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer);
    fx = await createScaleCampaign(t.app, t.dataSource, 'discussion');
    base = `/organizer/campaigns/${fx.campaign.id}/responses`;
    raw = await t.dataSource.query(
      `SELECT id, receipt, territory_id, position, organization_type, suspected_duplicate, excluded FROM responses WHERE campaign_id = $1`,
      [fx.campaign.id],
    );
    process.stdout.write(`seed-scale fixture built in ${Date.now() - started} ms\n`);
  }, 180_000);
  afterAll(() => t.close(), 60_000);

  it('pages through every response, newest first, with the total shown, and reaches the 2,603rd', async () => {
    expect(raw).toHaveLength(SCALE.responses);
    let page = await get(base);
    expect(page.status).toBe(200);
    expect(totalOf(page.text)).toBe(SCALE.responses);
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      pages++;
      seen.push(...receiptsOf(page.text));
      const next = nextOf(page.text);
      if (!next || pages > SCALE.responses / 50 + 1) break;
      page = await get(`${base}${next}`);
      expect(page.status).toBe(200);
    }
    expect(pages).toBe(Math.ceil(SCALE.responses / 50));
    expect(seen).toHaveLength(SCALE.responses);
    expect(new Set(seen).size).toBe(SCALE.responses);
    // the fixture's response g was created g minutes ago: newest first is g = 1 … 2603
    const tag = seen[0].slice(1, 7);
    expect(seen[0]).toBe(`S${tag}-0001`);
    expect(seen[SCALE.responses - 1]).toBe(`S${tag}-2603`);
  }, 300_000);

  it('finds one response by its receipt (typed in lower case with spaces)', async () => {
    const target = raw[1234];
    const page = await get(`${base}?receipt=${encodeURIComponent(`  ${target.receipt.toLowerCase()} `)}`);
    expect(totalOf(page.text)).toBe(1);
    expect(receiptsOf(page.text)).toEqual([target.receipt]);
    const none = await get(`${base}?receipt=R-0000-0000`);
    expect(totalOf(none.text)).toBe(0);
    expect(none.text).toContain('Ответов по этим условиям нет.');
  });

  it("each filter's total equals the count recomputed from the raw rows", async () => {
    const territory = raw[5].territory_id;
    const position = raw[100].position;
    const orgType = raw[7].organization_type;
    const cases: [string, (r: RawRow) => boolean][] = [
      [`territoryId=${territory}`, (r) => r.territory_id === territory],
      [`position=${position}`, (r) => r.position === position],
      [`organizationType=${orgType}`, (r) => r.organization_type === orgType],
      ['flagged=1', (r) => r.suspected_duplicate],
      ['flagged=0', (r) => !r.suspected_duplicate],
      ['excluded=1', (r) => r.excluded],
      ['excluded=0', (r) => !r.excluded],
      [
        `territoryId=${territory}&position=${position}&excluded=0`,
        (r) => r.territory_id === territory && r.position === position && !r.excluded,
      ],
    ];
    for (const [query, pred] of cases) {
      const page = await get(`${base}?${query}`);
      expect({ query, total: totalOf(page.text) }).toEqual({ query, total: raw.filter(pred).length });
    }
    // the generator's own figures: every 17th flagged, every 41st excluded
    expect(raw.filter((r) => r.suspected_duplicate)).toHaveLength(Math.floor(SCALE.responses / 17));
    expect(raw.filter((r) => r.excluded)).toHaveLength(Math.floor(SCALE.responses / 41));
  }, 120_000);

  it("shows one response's answers in words; excluding needs a reason named by its label; then included back", async () => {
    const target = raw.find((r) => !r.excluded)!;
    const url = `${base}/${target.id}`;
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Ответ, квитанция ${target.receipt}`);
    const multi = fx.campaign.questions.find((q) => q.kind === 'multi')!;
    expect(page.text).toContain(multi.options[0].text);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const cookie = `sid=${organizer.token}`;
    const empty = await api.post(`${url}/exclude`, undefined, { cookie, form: { _csrf: csrf, reason: ' ' } });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('<p class="field-error" id="reason-error">Укажите причину исключения (до 500 символов)</p>');
    expect(empty.text).toContain('Причина: Укажите причину исключения (до 500 символов)');
    expect(empty.text).not.toContain('reason:');
    const done = await api.post(`${url}/exclude`, undefined, { cookie, form: { _csrf: csrf, reason: 'Тестовая анкета' } });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${url}?done=excluded`);
    const after = await get(done.headers.get('location')!);
    expect(after.text).toContain('Ответ исключён из результатов. Причина записана в журнал.');
    expect(after.text).toContain('Причина: Тестовая анкета');
    const back = await api.post(`${url}/include`, undefined, { cookie, form: { _csrf: csrf, reason: '' } });
    expect(back.status).toBe(303);
    const [row] = await t.dataSource.query(`SELECT excluded FROM responses WHERE id = $1`, [target.id]);
    expect(row.excluded).toBe(false);
  });
});
