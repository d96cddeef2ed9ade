import { AuditAction } from '../../src/audit/audit-action';
import { AUDIT_KINDS } from '../../src/audit/audit-log.service';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/accounts/entities/user.entity';
import { CampaignLifecycleService } from '../../src/campaigns/campaign-lifecycle.service';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';
import { assignExpert, auditRows, pdfBytes, uploadForm } from './campaigns.helpers';

async function countFiles(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => []))
    n += e.isDirectory() ? await countFiles(join(dir, e.name)) : 1;
  return n;
}

/** Unescapes the few entities Handlebars produces, to read text out of the HTML. */
const text = (html: string) =>
  html
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&');

describe('organizer pages: a campaign through its whole life with forms and a session cookie', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let cookie: string;
  let csrf: string;
  // a storage directory of its own: other suites of the run store files at the same time
  const previousStorage = process.env.STORAGE_DIR;
  const storageDir = join(tmpdir(), `dp-campaign-pages-${process.pid}-${Date.now()}`);

  async function loginCookie(user: TestUser): Promise<{ cookie: string; csrf: string }> {
    const res = await api.request('POST', '/login', { form: { email: user.email, password: TEST_PASSWORD } });
    expect(res.status).toBe(303);
    const c = String(res.headers.get('set-cookie')).split(';')[0];
    const page = await api.get('/organizer/campaigns', { cookie: c, headers: { accept: 'text/html' } });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    if (!token) throw new Error('no csrf token on the page');
    return { cookie: c, csrf: token };
  }

  const page = (path: string) => api.get(path, { cookie, headers: { accept: 'text/html' } });
  const post = (path: string, form: Record<string, string>) => api.request('POST', path, { cookie, form: { ...form, _csrf: csrf } });
  const upload = (path: string, form: FormData) =>
    api.request('POST', `${path}?_csrf=${encodeURIComponent(csrf)}`, { cookie, multipart: form, headers: { accept: 'text/html' } });

  beforeAll(async () => {
    process.env.STORAGE_DIR = storageDir;
    t = await startApp();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer, 'Организатор Страниц');
    ({ cookie, csrf } = await loginCookie(organizer));
  });
  afterAll(async () => {
    await t.close();
    process.env.STORAGE_DIR = previousStorage;
  });

  it('creates, fills and moves a campaign draft → discussion → revision → expertise → completed → archived', async () => {
    const list = await page('/organizer/campaigns');
    expect(list.status).toBe(200);
    expect(list.text).toContain('<h1>Кампании</h1>');
    expect(list.text).toContain('<label for="title">Название</label>');

    const created = await post('/organizer/campaigns', {
      title: 'Обсуждение через страницы',
      description: 'Проверка форм',
      discussionOpensAt: '2030-03-01T09:00',
      discussionClosesAt: '',
      expertiseOpensAt: '',
      expertiseClosesAt: '',
    });
    expect(created.status).toBe(303);
    const location = String(created.headers.get('location'));
    const id = /^\/organizer\/campaigns\/([0-9a-f-]{36})\?done=created$/.exec(location)?.[1];
    expect(id).toBeDefined();
    const [row] = await t.dataSource.query(`SELECT slug, discussion_opens_at FROM campaigns WHERE id = $1`, [id]);
    expect(row.discussion_opens_at.toISOString()).toBe('2030-03-01T04:00:00.000Z'); // 09:00 in Chelyabinsk (UTC+5)
    expect(row.slug).toMatch(/^obsuzhdenie-cherez-stranitsy(-\d+)?$/);

    const base = `/organizer/campaigns/${id}`;
    let html = (await page(location)).text;
    expect(html).toContain('Кампания создана');
    expect(html).toContain('<strong class="stage stage-draft">Подготовка</strong>');
    expect(html).toContain('value="2030-03-01T09:00"');
    // the reasons a move is unavailable are next to the disabled button
    expect(html).toMatch(/<button type="submit" disabled aria-describedby="missing-discussion">/);
    expect(html).toContain('<li>в кампании нет ни одного документа с файлом</li>');
    expect(html).toContain('<li>в анкете нет ни одного вопроса</li>');
    expect(html).toContain('<dd id="figure-territories">0 из 43</dd>');

    // upload a document (multipart, CSRF in the action URL), with the default questions
    const up = await upload(
      `${base}/documents`,
      uploadForm({ title: 'Методический альбом', withDefaultQuestions: 'true' }, { name: 'Альбом.pdf', bytes: pdfBytes() }),
    );
    expect(up.status).toBe(303);
    expect(up.headers.get('location')).toBe(`${base}?done=document#document`);
    const [{ n: questions }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM questions WHERE campaign_id = $1`, [id]);
    expect(questions).toBe(3);

    // document details: direction and the authors' territory
    const [docRow] = await t.dataSource.query(`SELECT id FROM documents WHERE campaign_id = $1`, [id]);
    const [terr] = await t.dataSource.query(`SELECT id FROM territories ORDER BY name LIMIT 1`);
    const details = await post(`${base}/documents/${docRow.id}`, {
      title: 'Методический альбом',
      description: 'Для школ',
      direction: 'health',
      authorTerritoryId: terr.id,
      authorOrganizationId: '',
    });
    expect([details.status, details.headers.get('location')]).toEqual([303, `${base}?done=document-saved#details-${docRow.id}`]);
    const [detailsRow] = await t.dataSource.query(`SELECT direction_code, author_territory_id, description FROM documents WHERE id = $1`, [
      docRow.id,
    ]);
    expect(detailsRow).toEqual({ direction_code: 'health', author_territory_id: terr.id, description: 'Для школ' });
    expect((await page(base)).text).toContain(`<option value="${terr.id}" selected>`);

    // add a general question, move it up, delete another
    expect(
      (await post(`${base}/questions`, { kind: 'single', text: 'Ваша роль?', options: 'Учитель\nРуководитель', required: 'on' })).status,
    ).toBe(303);
    const [q] = await t.dataSource.query(`SELECT id, sort_order FROM questions WHERE campaign_id = $1 AND text = 'Ваша роль?'`, [id]);
    expect(q.sort_order).toBe(3);
    expect((await post(`${base}/questions/${q.id}/move`, { direction: 'up' })).status).toBe(303);
    const [moved] = await t.dataSource.query(`SELECT sort_order FROM questions WHERE id = $1`, [q.id]);
    expect(moved.sort_order).toBe(2);
    const edited = await post(`${base}/questions/${q.id}`, { text: 'Ваша роль в школе?', options: 'Учитель\nРуководитель\nМетодист' });
    expect(edited.status).toBe(303);
    const opts = await t.dataSource.query(`SELECT text FROM question_options WHERE question_id = $1 ORDER BY sort_order`, [q.id]);
    expect(opts.map((o: { text: string }) => o.text)).toEqual(['Учитель', 'Руководитель', 'Методист']);
    const [editedRow] = await t.dataSource.query(`SELECT text, required FROM questions WHERE id = $1`, [q.id]);
    expect(editedRow).toEqual({ text: 'Ваша роль в школе?', required: false });
    const badEdit = await post(`${base}/questions/${q.id}`, { text: 'Ваша роль?', options: 'Один' });
    expect(badEdit.status).toBe(400);
    expect(badEdit.text).toContain('Варианты ответа: нужно не менее двух вариантов ответа');
    expect(badEdit.text).toContain(`<details open>`);
    await post(`${base}/questions/${q.id}`, { text: 'Ваша роль?', options: 'Учитель\nРуководитель', required: 'on' });
    const [textQ] = await t.dataSource.query(`SELECT id FROM questions WHERE campaign_id = $1 AND kind = 'text'`, [id]);
    // deleting asks first (the consequence in words) and deletes nothing without confirm=yes
    const ask = await post(`${base}/questions/${textQ.id}/delete`, {});
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('<h1>Удалить вопрос?</h1>');
    expect(ask.text).toContain('<input type="hidden" name="confirm" value="yes">');
    const [{ still }] = await t.dataSource.query(`SELECT count(*)::int AS still FROM questions WHERE id = $1`, [textQ.id]);
    expect(still).toBe(1);
    expect((await post(`${base}/questions/${textQ.id}/delete`, { confirm: 'yes' })).status).toBe(303);
    html = (await page(base)).text;
    expect(html).toContain('<strong>Ваша роль?</strong>');
    expect(html).not.toContain('Ваши предложения и замечания по содержанию продукта');

    // criteria, one per line
    expect((await post(`${base}/criteria`, { criteria: 'Актуальность\nНаглядность' })).status).toBe(303);
    const crit = await t.dataSource.query(`SELECT text FROM criteria WHERE campaign_id = $1 ORDER BY sort_order`, [id]);
    expect(crit.map((c: { text: string }) => c.text)).toEqual(['Актуальность', 'Наглядность']);

    // settings: schedule and recipients
    const saved = await post(base, {
      title: 'Обсуждение через страницы',
      description: 'Проверка форм',
      slug: row.slug,
      discussionOpensAt: '',
      discussionClosesAt: '2030-03-20T18:00',
      expertiseOpensAt: '',
      expertiseClosesAt: '',
      reportRecipients: 'chief@example.org, deputy@example.org',
    });
    expect(saved.status).toBe(303);
    const [after] = await t.dataSource.query(
      `SELECT discussion_opens_at, discussion_closes_at, report_recipients FROM campaigns WHERE id = $1`,
      [id],
    );
    expect(after).toEqual({
      discussion_opens_at: null,
      discussion_closes_at: new Date('2030-03-20T13:00:00Z'),
      report_recipients: ['chief@example.org', 'deputy@example.org'],
    });

    // transitions through the buttons
    const go = async (to: string, label: string) => {
      const ask = await post(`${base}/transitions`, { to });
      expect([to, ask.status]).toEqual([to, 200]);
      expect(ask.text).toContain('<input type="hidden" name="confirm" value="yes">');
      const res = await post(`${base}/transitions`, { to, confirm: 'yes' });
      expect([to, res.status, res.headers.get('location')]).toEqual([to, 303, `${base}?done=transition#transition`]);
      expect((await page(base)).text).toContain(`>${label}</strong>`);
    };
    await go('discussion', 'Общественное обсуждение');
    html = (await page(base)).text;
    expect(html).toContain('Анкету можно изменять только на этапе подготовки.');
    expect(html).not.toContain('action="/organizer/campaigns/' + id + '/questions"');
    await go('revision', 'Доработка');

    const refused = await post(`${base}/transitions`, { to: 'expertise' });
    expect(refused.status).toBe(409);
    expect(text(refused.text)).toContain('<li>документ «Методический альбом» не имеет назначенного эксперта</li>');

    const [doc] = await t.dataSource.query(`SELECT id FROM documents WHERE campaign_id = $1`, [id]);
    await assignExpert(t.app, t.url, t.dataSource, id!, doc.id);
    html = (await page(base)).text;
    expect(html).toContain('<dd id="figure-reviews">0 из 1</dd>');
    await go('expertise', 'Экспертиза');
    expect((await page(base)).text).toContain('Критерии зафиксированы: экспертиза уже началась.');
    await go('completed', 'Завершена');
    await go('archived', 'В архиве');
    expect((await page(base)).text).toContain('Кампания в архиве: дальнейших этапов нет.');

    const audit = await auditRows(t.dataSource, id!, 'campaign.transition');
    expect(audit.map((a) => `${a.before.status}→${a.after.status}`)).toEqual([
      'draft→discussion',
      'discussion→revision',
      'revision→expertise',
      'expertise→completed',
      'completed→archived',
    ]);
    expect(audit.every((a) => a.actor_id === organizer.id)).toBe(true);
  });

  it('shows clear errors on the page and stores nothing for a wrong file or a bad form', async () => {
    const created = await post('/organizer/campaigns', { title: 'Ошибки форм' });
    const base = String(created.headers.get('location')).split('?')[0];
    const id = base.split('/').pop();
    const before = await countFiles(storageDir);
    const bad = await upload(`${base}/documents`, uploadForm({ title: 'Вирус' }, { name: 'virus.exe', bytes: Buffer.from('MZ') }));
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Недопустимый тип файла: разрешены PDF, DOCX, ODT, RTF и ZIP');
    expect(bad.text).toContain('id="doc-file-error"');
    const disguised = await upload(
      `${base}/documents`,
      uploadForm({ title: 'Подделка' }, { name: 'fake.pdf', bytes: Buffer.from('not a pdf') }),
    );
    expect(disguised.status).toBe(400);
    expect(await countFiles(storageDir)).toBe(before);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM documents WHERE campaign_id = $1`, [id]);
    expect(n).toBe(0);

    const noTitle = await post('/organizer/campaigns', { title: '' });
    expect(noTitle.status).toBe(400);
    expect(noTitle.text).toContain('<p class="field-error" id="title-error">Укажите название</p>');
    expect(noTitle.text).toContain('aria-invalid="true" aria-describedby="title-error"');

    const badQuestion = await post(`${base}/questions`, { kind: 'multi', text: 'Только один?', options: 'Да' });
    expect(badQuestion.status).toBe(400);
    expect(badQuestion.text).toContain('Варианты ответа: нужно не менее двух вариантов ответа');
    expect(badQuestion.text).not.toContain('options:');

    const refused = await post(`${base}/transitions`, { to: 'completed' });
    expect(refused.status).toBe(409);
    expect(text(refused.text)).toContain('Переход из этапа «Подготовка» в этап «Завершена» невозможен');
  });

  it('shows a scheduled move that was refused at its due time, with the reasons', async () => {
    const created = await post('/organizer/campaigns', { title: 'Расписание без документов' });
    const base = String(created.headers.get('location')).split('?')[0];
    const id = base.split('/').pop();
    await t.dataSource.query(`UPDATE campaigns SET discussion_opens_at = '2026-01-10T05:00:00Z' WHERE id = $1`, [id]);
    await t.app.get(CampaignLifecycleService).performDueTransitions(new Date());
    const html = text((await page(base)).text);
    expect(html).toContain('Переход к этапу «Общественное обсуждение» по расписанию (10.01.2026, 10:00) не выполнен:');
    expect(html).toContain('<li>в кампании нет ни одного документа с файлом</li><li>в анкете нет ни одного вопроса</li>');
  });

  it('admin reads the audit log page; organizer may not', async () => {
    const admin = await createUser(t.app, t.url, Role.Admin, 'Администратор Журнала');
    const kind = AUDIT_KINDS.findIndex((k) => k.actions.includes(AuditAction.CampaignTransition)) + 1;
    const res = await api.get(`/admin/audit?kind=${kind}`, { token: admin.token, headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Журнал действий</h1>');
    // sentences, not codes (issue 16)
    expect(res.text).toContain('Организатор Страниц перевёл кампанию «');
    expect(res.text).not.toContain('campaign.transition');
    expect((await page('/admin/audit')).status).toBe(403);
  });
});
