import { randomUUID } from 'node:crypto';
import { createCampaign, FactoryCampaign, referenceIds, ReferenceIds } from '../factories/campaign.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

/** The organization picker's data and the server's matching of a typed name (the questionnaire with JavaScript off). */
describe('questionnaire: the organization registry by territory', () => {
  let t: TestApp;
  let web: ReturnType<typeof client>;
  let c: FactoryCampaign;
  let ref: ReferenceIds;
  let territoryId: string;
  let otherTerritoryId: string;
  const org: Record<string, string> = {};

  const keyOf = (page: string) => /name="key" value="([^"]+)"/.exec(page)![1];
  const newKey = async () => keyOf((await web.get(`/c/${c.slug}/form`, { headers: { accept: 'text/html' } })).text);
  const post = (form: Record<string, string | string[]>) =>
    web.post(`/c/${c.slug}/form`, undefined, { form, headers: { accept: 'text/html', 'user-agent': `registry-${randomUUID()}` } });
  const fullForm = (key: string, organization: Record<string, string>): Record<string, string | string[]> => {
    const form: Record<string, string | string[]> = { key, territoryId, organizationType: 'school', position: 'teacher', ...organization };
    for (const q of c.questions) {
      if (q.kind === 'multi' || q.kind === 'single') form[`q_${q.id}`] = q.options[0].id;
      else if (q.kind === 'scale') form[`q_${q.id}`] = '3';
      else form[`q_${q.id}`] = 'Замечаний нет';
    }
    return form;
  };
  const stored = async (key: string) =>
    (await t.dataSource.query(`SELECT organization_id, organization_name FROM responses WHERE campaign_id = $1 AND idempotency_key = $2`, [
      c.id,
      key,
    ])) as { organization_id: string | null; organization_name: string | null }[];

  beforeAll(async () => {
    t = await startApp();
    web = client(t.url);
    ref = await referenceIds(t.dataSource);
    c = await createCampaign(t.dataSource, { documents: 1 });
    [{ id: territoryId }, { id: otherTerritoryId }] = await t.dataSource.query(
      `SELECT id FROM territories WHERE active ORDER BY sort_order DESC LIMIT 2`,
    );
    const names = ['МАОУ «Гимназия № 93»', 'МБОУ «Гимназия № 9»', 'МБОУ «Лицей № 11»', 'МБОУ «СОШ № 7»', 'МАДОУ «Детский сад «Ёлочка»»'];
    for (const name of names) {
      const [row] = await t.dataSource.query(
        `INSERT INTO organizations (name, territory_id, type_code) VALUES ($1, $2, 'school') RETURNING id`,
        [name, territoryId],
      );
      org[name] = row.id;
    }
    const [other] = await t.dataSource.query(
      `INSERT INTO organizations (name, territory_id, type_code) VALUES ('МБОУ «Лицей № 11»', $1, 'school') RETURNING id`,
      [otherTerritoryId],
    );
    org.other = other.id;
  });
  afterAll(() => t.close());

  it("GET /api/v1/public/territories/:id/organizations: the territory's entries by name, cached, with an ETag", async () => {
    const res = await web.get(`/api/v1/public/territories/${territoryId}/organizations`);
    expect(res.status).toBe(200);
    const expected: { id: string; name: string }[] = await t.dataSource.query(
      `SELECT id, name FROM organizations WHERE territory_id = $1 ORDER BY name, id`,
      [territoryId],
    );
    expect(expected.length).toBeGreaterThanOrEqual(5);
    expect(res.body).toEqual({ territoryId, organizations: expected });
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=60');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{22}"$/);
    const again = await web.get(`/api/v1/public/territories/${territoryId}/organizations`, { headers: { 'if-none-match': etag } });
    expect([again.status, again.text]).toEqual([304, '']);
    const other = await web.get(`/api/v1/public/territories/${otherTerritoryId}/organizations`);
    expect(other.body.organizations.map((o: { id: string }) => o.id)).toContain(org.other);
    expect(other.headers.get('etag')).not.toBe(etag);
  });

  it('unknown, malformed and inactive territories get 404 in the API error shape', async () => {
    const [inactive] = await t.dataSource.query(
      `INSERT INTO territories (name, kind, active, sort_order) VALUES ('Закрытый район', 'municipal_district', false, 999) RETURNING id`,
    );
    for (const id of [randomUUID(), 'not-a-uuid', inactive.id, "1' OR '1'='1"]) {
      const res = await web.get(`/api/v1/public/territories/${encodeURIComponent(id)}/organizations`);
      expect([id, res.status, res.body]).toEqual([
        id,
        404,
        expect.objectContaining({ statusCode: 404, error: 'Not Found', message: 'Территория не найдена' }),
      ]);
    }
  });

  it('a typed name equal to one entry (quotes, case, ё and № aside) is stored as that entry', async () => {
    const key = await newKey();
    const res = await post(fullForm(key, { organizationId: '', organizationName: 'мбоу гимназия №9' }));
    expect(res.status).toBe(303);
    expect(await stored(key)).toEqual([{ organization_id: org['МБОУ «Гимназия № 9»'], organization_name: null }]);
  });

  it('a loose name shows the candidates to confirm (everything typed kept, nothing stored); the chosen one is stored', async () => {
    const key = await newKey();
    const form = fullForm(key, { organizationId: '', organizationName: 'Гимназия 9' });
    const res = await post(form);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Анкета ещё не отправлена: уточните организацию в разделе «О себе» и отправьте анкету снова.');
    expect(res.text).toContain('<legend>Уточните организацию</legend>');
    // a number matches a whole number: «№ 93» is not offered for «9»
    const offered = [...res.text.matchAll(/name="organizationChoice" value="([^"]+)"/g)].map((m) => m[1]);
    expect(offered).toEqual([org['МБОУ «Гимназия № 9»'], 'typed']);
    expect(res.text).toContain('value="Гимназия 9"');
    expect(res.text).toContain('Моей организации нет в списке — сохранить «Гимназия 9»');
    expect(keyOf(res.text)).toBe(key);
    expect(await stored(key)).toEqual([]);

    const loose = await post({ ...fullForm(key, { organizationId: '', organizationName: 'гимназия' }) });
    expect([...loose.text.matchAll(/name="organizationChoice" value="([^"]+)"/g)].map((m) => m[1])).toEqual([
      org['МБОУ «Гимназия № 9»'],
      org['МАОУ «Гимназия № 93»'],
      'typed',
    ]);

    const confirmed = await post({ ...form, organizationChoice: org['МБОУ «Гимназия № 9»'] });
    expect(confirmed.status).toBe(303);
    expect(await stored(key)).toEqual([{ organization_id: org['МБОУ «Гимназия № 9»'], organization_name: null }]);
  });

  it('«not in the list» keeps the typed name as free text', async () => {
    const key = await newKey();
    const res = await post({ ...fullForm(key, { organizationId: '', organizationName: 'Гимназия' }), organizationChoice: 'typed' });
    expect(res.status).toBe(303);
    expect(await stored(key)).toEqual([{ organization_id: null, organization_name: 'Гимназия' }]);
  });

  it('the candidates come back together with the other problems of the form (400)', async () => {
    const key = await newKey();
    const form = fullForm(key, { organizationId: '', organizationName: 'лицей' });
    delete form[`q_${c.questions.find((q) => q.required && q.kind === 'scale')!.id}`];
    const res = await post(form);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Анкета не отправлена. Исправьте ошибки:');
    expect([...res.text.matchAll(/name="organizationChoice" value="([^"]+)"/g)].map((m) => m[1])).toEqual([
      org['МБОУ «Лицей № 11»'],
      'typed',
    ]);
  });

  it("the picker's id is kept while the name is that entry's; an edited name or another territory's id is matched anew", async () => {
    const picked = await newKey();
    expect((await post(fullForm(picked, { organizationId: org['МБОУ «СОШ № 7»'], organizationName: 'МБОУ «СОШ № 7»' }))).status).toBe(303);
    expect(await stored(picked)).toEqual([{ organization_id: org['МБОУ «СОШ № 7»'], organization_name: null }]);

    const edited = await newKey();
    const res = await post(fullForm(edited, { organizationId: org['МБОУ «СОШ № 7»'], organizationName: 'Вечерняя школа при колонии' }));
    expect(res.status).toBe(303);
    expect(await stored(edited)).toEqual([{ organization_id: null, organization_name: 'Вечерняя школа при колонии' }]);

    const foreign = await newKey();
    expect((await post(fullForm(foreign, { organizationId: org.other, organizationName: 'МБОУ «Лицей № 11»' }))).status).toBe(303);
    expect(await stored(foreign)).toEqual([{ organization_id: org['МБОУ «Лицей № 11»'], organization_name: null }]);
  });

  it('wildcards and odd text typed by the user match literally (no candidates from «%», «_» or a backslash)', async () => {
    for (const typed of ['%', '_', '\\', '%%_\\', 'ё', 'x'.repeat(300)]) {
      const key = await newKey();
      const res = await post(fullForm(key, { organizationId: '', organizationName: typed }));
      expect([typed.slice(0, 10), res.status]).toEqual([typed.slice(0, 10), 303]);
      expect(await stored(key)).toEqual([{ organization_id: null, organization_name: typed }]);
    }
    // «ёлочка» finds «Ёлочка» (ё folded on both sides), so it is offered, not stored
    const key = await newKey();
    const res = await post(fullForm(key, { organizationId: '', organizationName: 'елочка' }));
    expect(res.status).toBe(200);
    expect(res.text).toContain(`value="${org['МАДОУ «Детский сад «Ёлочка»»']}"`);
    expect(ref.territoryId).toBeDefined();
  });
});
