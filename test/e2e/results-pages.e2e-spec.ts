import { Role } from '../../src/accounts/entities/user.entity';
import { ResultsService } from '../../src/results/results.service';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

describe('results pages: the organizer’s results page and the public results page', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let cookie: string;
  let csrf: string;
  let fx: ResultsFixture;

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer);
    const login = await api.request('POST', '/login', { form: { email: organizer.email, password: TEST_PASSWORD } });
    cookie = String(login.headers.get('set-cookie')).split(';')[0];
    fx = await buildResultsCampaign(t.dataSource, { status: 'completed', responses: 30, seed: 8 });
    await t.app.get(ResultsService).aggregate(fx.campaignId);
    const page = await api.get(`/organizer/campaigns/${fx.campaignId}/results`, { cookie, headers: { accept: 'text/html' } });
    csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  });
  afterAll(() => t.close());

  const page = (path: string, c = cookie) => api.get(path, { cookie: c, headers: { accept: 'text/html' } });
  const post = (path: string, form: Record<string, string>) => api.request('POST', path, { cookie, form: { ...form, _csrf: csrf } });

  it('shows the figures of the latest snapshot, escaping what people typed', async () => {
    const res = await page(`/organizer/campaigns/${fx.campaignId}/results`);
    expect(res.status).toBe(200);
    const respondents = fx.responses.filter((r) => !r.excluded).length;
    expect(res.text).toContain(`<strong id="figure-respondents">${respondents}</strong>`);
    expect(res.text).toContain('&lt;b&gt;жирно&lt;/b&gt;');
    expect(res.text).not.toContain('<b>жирно</b>');
    expect(res.text).toContain(`<strong id="figure-experts">5</strong>`);
    expect(res.text).toContain('<legend>Формат</legend>');
  });

  it('names an unsent email by its kind and the SMTP failure in words, never the template code or the server reply', async () => {
    await t.dataSource.query(
      `INSERT INTO mail_messages (to_address, template, status, attempts, last_error, campaign_id)
       VALUES ('ministry@example.org', 'report-final', 'failed', 5, '550 5.1.1 <ministry@example.org>: Recipient address rejected', $1)`,
      [fx.campaignId],
    );
    const res = await page(`/organizer/campaigns/${fx.campaignId}/results`);
    const section = res.text.slice(res.text.indexOf('<h2 id="failed-mail-heading">'));
    expect(section).toMatch(
      /<li>\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} — итоговый отчёт для ministry@example\.org: <span class="field-error">почтовый сервер ответил отказом \(код 550\)<\/span><\/li>/,
    );
    expect(res.text).not.toContain('report-final');
    expect(res.text).not.toContain('Recipient address rejected');
  });

  it('orders a report from the form, refusing a form without a format with the error next to the field', async () => {
    const bad = await post(`/organizer/campaigns/${fx.campaignId}/reports`, { kind: 'full' });
    expect(bad.status).toBe(400);
    // a name of Object.prototype is no format either
    expect((await post(`/organizer/campaigns/${fx.campaignId}/reports`, { kind: 'full', format: 'constructor' })).status).toBe(400);
    expect(bad.text).toContain('id="format-error"');
    expect(bad.text).toContain('Выберите формат файла');
    const ok = await post(`/organizer/campaigns/${fx.campaignId}/reports`, { kind: 'discussion', format: 'csv' });
    expect(ok.status).toBe(303);
    const list = await page(`/organizer/campaigns/${fx.campaignId}/results`);
    expect(list.text).toMatch(
      /<td data-label="Содержание">Обсуждение<\/td><td data-label="Формат">CSV<\/td>\s*<td data-label="Состояние" class="report-status report-queued">в очереди/,
    );
    // the other CSV dialect is a choice of the same list
    expect(list.text).toContain('<input type="radio" id="format-csv-rfc4180" name="format" value="csv-rfc4180"');
    expect((await post(`/organizer/campaigns/${fx.campaignId}/reports`, { kind: 'full', format: 'csv-rfc4180' })).status).toBe(303);
    const [row] = await t.dataSource.query(
      `SELECT format, csv_dialect FROM reports WHERE campaign_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [fx.campaignId],
    );
    expect(row).toEqual({ format: 'csv', csv_dialect: 'rfc4180' });
    expect((await page(`/organizer/campaigns/${fx.campaignId}/results`)).text).toContain(
      '<td data-label="Содержание">Обсуждение и экспертиза</td><td data-label="Формат">CSV для программ</td>',
    );
  });

  it('publishing is audit-logged; the public page exists only for a completed, published campaign', async () => {
    expect((await api.get(`/c/${fx.slug}/results`, { headers: { accept: 'text/html' } })).status).toBe(404);
    const res = await post(`/organizer/campaigns/${fx.campaignId}/results/publication`, { published: 'true' });
    expect(res.status).toBe(303);
    const [audit] = await t.dataSource.query(
      `SELECT action, actor_id, after FROM audit_log WHERE campaign_id = $1 AND action LIKE 'results.%'`,
      [fx.campaignId],
    );
    expect(audit).toEqual({ action: 'results.publish', actor_id: organizer.id, after: { resultsPublished: true } });
    const pub = await api.get(`/c/${fx.slug}/results`, { headers: { accept: 'text/html' } });
    expect(pub.status).toBe(200);
    expect(pub.text).toContain(`<strong id="figure-respondents">${fx.responses.filter((r) => !r.excluded).length}</strong>`);
    // expert names (far experts) are for organizers only
    expect(pub.text).not.toContain(fx.experts[2].fullName);

    const open = await buildResultsCampaign(t.dataSource, { status: 'discussion', responses: 2, seed: 4, resultsPublished: true });
    expect((await api.get(`/c/${open.slug}/results`, { headers: { accept: 'text/html' } })).status).toBe(404);
  });

  it('is for organizers only', async () => {
    const expert = await createUser(t.app, t.url, Role.Expert);
    const login = await api.request('POST', '/login', { form: { email: expert.email, password: TEST_PASSWORD } });
    const expertCookie = String(login.headers.get('set-cookie')).split(';')[0];
    expect((await page(`/organizer/campaigns/${fx.campaignId}/results`, expertCookie)).status).toBe(403);
    expect((await api.get(`/organizer/campaigns/${fx.campaignId}/results`, { headers: { accept: 'text/html' } })).status).toBe(303);
  });
});
