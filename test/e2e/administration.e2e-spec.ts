import ExcelJS from 'exceljs';
import { Role } from '../../src/accounts/entities/user.entity';
import { SessionService } from '../../src/accounts/session.service';
import { AppConfig } from '../../src/config/app.config';
import { ResultsService } from '../../src/results/results.service';
import { createExpert } from '../factories/expertise.factory';
import { buildResultsCampaign } from '../factories/results.factory';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';
import { registeredRoutes } from '../setup/routes';
import { realUrl } from '../security/routes';

/*
 * Issue 16: administration without the command line. Every /admin route is the administrator's alone; the last
 * administrator stays; consent to personal-data processing is required and stored; erasing an expert's data keeps
 * every figure of a finished campaign; an organization import is all or nothing and idempotent.
 */
describe('administration', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let admin: TestUser;
  let organizer: TestUser;
  let territoryId: string;

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    admin = await createUser(t.app, t.url, Role.Admin, 'Анна Админова');
    organizer = await createUser(t.app, t.url, Role.Organizer, 'Ольга Организаторова');
    [{ id: territoryId }] = await t.dataSource.query(`SELECT id FROM territories ORDER BY sort_order LIMIT 1`);
  });
  afterAll(() => t.close());

  it('every /admin route refuses organizers and experts (403), and the role table lists administrators only', async () => {
    const expert = await createExpert(t.app, t.url, t.dataSource, { territoryId });
    const routes = registeredRoutes(t).filter((r) => r.path.startsWith('/admin'));
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const [{ id: someTerritory }] = await t.dataSource.query(`SELECT id FROM territories LIMIT 1`);
    const [{ id: someOrganization }] = await t.dataSource.query(`SELECT id FROM organizations LIMIT 1`);
    const refused: string[] = [];
    for (const r of [...routes, { method: 'GET', path: '/admin/queues', roles: [Role.Admin] }]) {
      expect([r.path, r.roles]).toEqual([r.path, [Role.Admin]]);
      const url = realUrl(r.path, {
        campaignId: someTerritory,
        slug: 'x',
        documentId: someTerritory,
        questionId: someTerritory,
        responseId: someTerritory,
        assignmentId: someTerritory,
        expertId: expert.id,
        reportId: someTerritory,
        organizationId: someOrganization,
        userId: admin.id,
        territoryId: someTerritory,
        proposalId: someTerritory,
      });
      for (const caller of [organizer, expert]) {
        const res = await api.request(r.method, url, {
          token: caller.token,
          headers: { accept: 'text/html' },
          form: r.method === 'GET' ? undefined : { role: 'expert' },
        });
        if (res.status !== 403) refused.push(`${r.method} ${url} as ${caller.email}: ${res.status}`);
      }
    }
    expect(refused).toEqual([]);
    // nothing changed: the administrator is still an active administrator
    expect(await t.dataSource.query(`SELECT role, active FROM users WHERE id = $1`, [admin.id])).toEqual([{ role: 'admin', active: true }]);
  });

  it('the last active administrator can be neither blocked nor demoted; another administrator can be', async () => {
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active`);
    expect(n).toBe(1);
    const form = (f: Record<string, string>) => ({ token: admin.token, form: f });
    for (const [path, f] of [
      [`/admin/users/${admin.id}/block`, {}],
      [`/admin/users/${admin.id}/role`, { role: 'organizer' }],
    ] as const) {
      const res = await api.post(path, undefined, form(f));
      expect(res.status).toBe(409);
      expect(res.text).toContain('Нельзя оставить систему без администратора: это последний действующий администратор');
    }
    expect(await t.dataSource.query(`SELECT role, active FROM users WHERE id = $1`, [admin.id])).toEqual([{ role: 'admin', active: true }]);

    const second = await createUser(t.app, t.url, Role.Admin, 'Борис Второй');
    const demote = await api.post(`/admin/users/${second.id}/role`, undefined, form({ role: 'organizer' }));
    expect([demote.status, demote.headers.get('location')]).toEqual([303, `/admin/users/${second.id}?done=role`]);
    // the session carried the old role: it is gone
    expect((await api.get('/api/v1/campaigns', { token: second.token })).status).toBe(401);
    const rows = await t.dataSource.query(
      `SELECT action, before, after FROM audit_log WHERE entity_id = $1 AND action = 'user.role_change'`,
      [second.id],
    );
    expect(rows).toEqual([{ action: 'user.role_change', before: { role: 'admin' }, after: { role: 'organizer' } }]);
  });

  it('blocking ends every session of the user at once; unblocking lets them sign in again', async () => {
    const user = await createUser(t.app, t.url, Role.Organizer, 'Пётр Блокируемый');
    const login2 = await api.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    const tokens = [user.token, login2.body.accessToken as string];
    for (const token of tokens) expect((await api.get('/api/v1/campaigns', { token })).status).toBe(200);
    const res = await api.post(`/admin/users/${user.id}/block`, undefined, { token: admin.token, form: {} });
    expect(res.status).toBe(303);
    for (const token of tokens) {
      expect((await api.get('/api/v1/campaigns', { token })).status).toBe(401);
      expect(await t.app.get(SessionService).find(token)).toBeNull();
    }
    expect((await api.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(401);
    await api.post(`/admin/users/${user.id}/unblock`, undefined, { token: admin.token, form: {} });
    expect((await api.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(200);
    const actions = await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [user.id]);
    expect(actions.map((a: { action: string }) => a.action)).toEqual(['user.block', 'user.unblock']);
  });

  it('consent to personal-data processing is required, and its policy version and time are stored with the profile', async () => {
    const body = {
      email: `consent-${Date.now()}@example.org`,
      password: 'long-enough-password',
      fullName: 'Согласная Мария',
      territoryId,
      organizationName: 'Школа',
      position: 'Учитель',
      competences: ['knowledge'],
    };
    for (const consent of [undefined, false, 'yes']) {
      const res = await api.post('/api/v1/experts/applications', consent === undefined ? body : { ...body, consent });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: ['consent: без согласия на обработку персональных данных заявку принять нельзя'],
        code: 'VALIDATION_FAILED',
      });
    }
    expect(await t.dataSource.query(`SELECT 1 FROM users WHERE email = $1`, [body.email])).toEqual([]);
    const before = new Date();
    const ok = await api.post('/api/v1/experts/applications', { ...body, consent: true });
    expect(ok.status).toBe(201);
    const [p] = await t.dataSource.query(`SELECT consent_version, consent_at FROM expert_profiles WHERE user_id = $1`, [ok.body.id]);
    expect(p.consent_version).toBe(t.app.get(AppConfig).PRIVACY_POLICY_VERSION);
    expect(p.consent_version).toBe('2026-01');
    expect(p.consent_at.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(p.consent_at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    // the page: without the box the form comes back with the reason next to it
    const page = await api.post('/experts/apply', undefined, { form: { ...body, email: `page-${body.email}` } });
    expect(page.status).toBe(400);
    expect(page.text).toContain(
      '<p class="field-error" id="consent-error">без согласия на обработку персональных данных заявку принять нельзя</p>',
    );
    expect(page.text).toContain('href="/privacy"');
    expect((await api.get('/privacy', { headers: { accept: 'text/html' } })).text).toContain('Редакция 2026-01.');
  });

  it('erasing an expert keeps every figure of a finished campaign; the person is gone and cannot sign in', async () => {
    const fx = await buildResultsCampaign(t.dataSource, { status: 'completed', responses: 30, experts: 3, seed: 16 });
    const results = t.app.get(ResultsService);
    const figures = (s: unknown) => {
      const copy = JSON.parse(JSON.stringify(s)) as Record<string, unknown> & {
        expertise: { documents: { farExperts: { fullName: string }[] }[] };
      };
      delete copy.id;
      delete copy.computedAt;
      // names are not figures: the erased expert's reads «Эксперт (данные удалены)»
      for (const d of copy.expertise.documents) for (const f of d.farExperts) f.fullName = '';
      return copy;
    };
    const before = await results.aggregate(fx.campaignId);
    expect(before!.expertise.experts).toBe(3);
    const victim = fx.experts[0];
    const [{ email: oldEmail }] = await t.dataSource.query(`SELECT email FROM users WHERE id = $1`, [victim.id]);
    const exported = await api.get(`/admin/experts/${victim.id}/personal-data.json`, { token: admin.token });
    expect(exported.status).toBe(200);
    expect(exported.body.person['ФИО']).toBe(victim.fullName);
    expect(exported.body.person['Адрес электронной почты']).toBe(oldEmail);
    const [{ n: reviewRows }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM assignments a LEFT JOIN review_scores s ON s.assignment_id = a.id WHERE a.expert_id = $1`,
      [victim.id],
    );
    expect(exported.body.reviews).toHaveLength(reviewRows);

    const noConfirm = await api.post(`/admin/experts/${victim.id}/erase`, undefined, { token: admin.token, form: {} });
    expect(noConfirm.status).toBe(400);
    const erased = await api.post(`/admin/experts/${victim.id}/erase`, undefined, { token: admin.token, form: { confirm: 'on' } });
    expect([erased.status, erased.headers.get('location')]).toEqual([303, `/admin/experts/${victim.id}/personal-data?done=erased`]);

    const after = await results.aggregate(fx.campaignId);
    expect(figures(after)).toEqual(figures(before));
    const [u] = await t.dataSource.query(
      `SELECT u.full_name, u.email, u.active, p.organization_name, p.position, p.erased_at IS NOT NULL AS erased
         FROM users u JOIN expert_profiles p ON p.user_id = u.id WHERE u.id = $1`,
      [victim.id],
    );
    expect(u).toEqual({
      full_name: 'Эксперт (данные удалены)',
      email: expect.stringMatching(/^erased-[0-9a-f-]{36}@erased\.invalid$/),
      active: false,
      organization_name: '',
      position: '',
      erased: true,
    });
    expect(await t.dataSource.query(`SELECT 1 FROM users WHERE email = $1`, [oldEmail])).toEqual([]);
    const far = after!.expertise.documents.flatMap((d) => d.farExperts).filter((f) => f.expertId === victim.id);
    for (const f of far) expect(f.fullName).toBe('Эксперт (данные удалены)');
    const again = await api.post(`/admin/experts/${victim.id}/erase`, undefined, { token: admin.token, form: { confirm: 'on' } });
    expect(again.status).toBe(409);
  });

  it('counts respondents who chose a base-site organization, per territory of that organization, from counted responses only', async () => {
    const fx = await buildResultsCampaign(t.dataSource, { status: 'discussion', responses: 12, experts: 0, seed: 5 });
    const sites: { id: string; territory_id: string; name: string }[] = await t.dataSource.query(
      `SELECT o.id, o.territory_id, t.name FROM organizations o JOIN territories t ON t.id = o.territory_id WHERE o.base_site ORDER BY o.name LIMIT 3`,
    );
    const [plain] = await t.dataSource.query(`SELECT id FROM organizations WHERE NOT base_site LIMIT 1`);
    // responses 0..8 name a base site (round robin), 9 a plain organization, 10..11 none; response 0 is excluded
    const chosen = fx.responses.map((r, i) => ({ id: r.id, org: i < 9 ? sites[i % 3].id : i === 9 ? (plain?.id ?? null) : null }));
    for (const c of chosen) await t.dataSource.query(`UPDATE responses SET organization_id = $2 WHERE id = $1`, [c.id, c.org]);
    await t.dataSource.query(`UPDATE responses SET excluded = true, excluded_reason = 'дубль' WHERE id = $1`, [chosen[0].id]);
    // recomputed from the raw rows (the fixture excludes some responses of its own)
    const raw: { organization_id: string | null; excluded: boolean }[] = await t.dataSource.query(
      `SELECT organization_id, excluded FROM responses WHERE campaign_id = $1`,
      [fx.campaignId],
    );
    const expected = new Map<string, number>();
    for (const r of raw.filter((x) => !x.excluded)) {
      const site = sites.find((s) => s.id === r.organization_id);
      if (site) expected.set(site.name, (expected.get(site.name) ?? 0) + 1);
    }
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    const counted = raw.filter((x) => !x.excluded).length;
    expect(total).toBeLessThan(9);
    const page = await api.get(`/organizer/campaigns/${fx.campaignId}/base-sites`, {
      token: organizer.token,
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    const rows = [...page.text.matchAll(/<tr><td>([^<]+) \([^)]*\)<\/td><td class="num">(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    expect(new Map(rows as [string, number][])).toEqual(expected);
    expect(page.text).toContain(`Всего: <strong>${total}</strong> из ${counted} учтённых ответов`);
  });

  async function xlsx(rows: (string | number)[][]): Promise<Blob> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Организации');
    for (const r of rows) ws.addRow(r);
    return new Blob([Buffer.from(await wb.xlsx.writeBuffer())]);
  }

  it('organization import: every bad row is named and nothing is saved; a good file twice creates once (by name and territory)', async () => {
    const header = ['Название', 'Территория', 'Вид территории', 'Тип организации', 'Базовая площадка', 'РИП', 'ИНН', 'Направления'];
    const count = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM organizations`))[0].n as number;
    const before = await count();
    const upload = async (file: Blob, name: string) => {
      const form = new FormData();
      form.append('file', file, name);
      return api.request('POST', '/reference/organizations/import', {
        token: organizer.token,
        multipart: form,
        headers: { accept: 'text/html' },
      });
    };
    const bad = await upload(
      await xlsx([
        header,
        [
          'Лицей № 1',
          'Миасский городской округ',
          'Городской округ',
          'Общеобразовательная организация',
          'да',
          'нет',
          '7707083893',
          'Знание; Здоровье',
        ],
        ['', 'Атлантида', '', 'Школа', 'может быть', '', '1234567890', 'Астрология'],
        ['Гимназия № 2', 'Миасский городской округ', 'Городской округ', 'Общеобразовательная организация', '', '', '', ''],
      ]),
      'bad.xlsx',
    );
    expect(bad.status).toBe(400);
    expect(bad.text).toContain(
      '<strong>Строка 3:</strong> не указано название; неизвестная территория «Атлантида»; неизвестный тип организации «Школа»; в столбце «Базовая площадка» должно быть «да» или «нет», а не «может быть»; ИНН «1234567890» неверен: нужно 10 или 12 цифр с верной контрольной цифрой; неизвестное направление «Астрология»',
    );
    expect(bad.text).not.toContain('Строка 2:');
    expect(await count()).toBe(before);

    const good = await xlsx([
      header,
      [
        'Лицей № 1',
        'Миасский городской округ',
        'Городской округ',
        'Общеобразовательная организация',
        'да',
        'нет',
        '7707083893',
        'Знание; Здоровье',
      ],
      ['Гимназия № 2', 'Миасский городской округ', 'Городской округ', 'Общеобразовательная организация', '', '', '', ''],
    ]);
    for (const [round, expected] of [
      [1, 'created=2&updated=0&same=0'],
      [2, 'created=0&updated=0&same=2'],
    ] as const) {
      const preview = await upload(good, 'good.xlsx');
      expect([round, preview.status]).toEqual([round, 200]);
      expect(await count()).toBe(before + (round === 1 ? 0 : 2));
      const token = /name="token" value="([\w-]+)"/.exec(preview.text)![1];
      const saved = await api.post('/reference/organizations/import/confirm', undefined, { token: organizer.token, form: { token } });
      expect(saved.headers.get('location')).toBe(`/reference/organizations?done=imported&${expected}`);
      expect(await count()).toBe(before + 2);
    }
    const [lyceum] = await t.dataSource.query(
      `SELECT o.base_site, o.innovation_site, o.inn, o.directions, t.name AS territory FROM organizations o JOIN territories t ON t.id = o.territory_id
        WHERE o.name = 'Лицей № 1'`,
    );
    expect(lyceum).toEqual({
      base_site: true,
      innovation_site: false,
      inn: '7707083893',
      directions: ['knowledge', 'health'],
      territory: 'Миасский городской округ',
    });
    const raw = await fetch(`${t.url}/reference/organizations/export.csv`, { headers: { authorization: `Bearer ${organizer.token}` } });
    const bytes = Buffer.from(await raw.arrayBuffer());
    // a BOM, so Excel opens Cyrillic
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const exportCsv = { text: bytes.toString('utf8') };
    expect(exportCsv.text).toContain(
      'Лицей № 1,Миасский городской округ,Городской округ,Общеобразовательная организация,да,нет,7707083893,Знание; Здоровье',
    );
    const audit = await t.dataSource.query(`SELECT after FROM audit_log WHERE action = 'organization.import' ORDER BY id`);
    expect(audit.map((a: { after: unknown }) => a.after)).toEqual([
      { created: 2, updated: 0, unchanged: 0, rows: 2 },
      { created: 0, updated: 0, unchanged: 2, rows: 2 },
    ]);
  });
});
