import { Role } from '../../src/accounts/entities/user.entity';
import { createCampaign, createDocument, createExpert, territoryIds } from '../factories/expertise.factory';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

describe('organizer pages: the registry with filters and decisions, a campaign’s assignments', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let territories: string[];
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer);
    territories = await territoryIds(t.dataSource);
    const login = await api.post('/login', undefined, { form: { email: organizer.email, password: TEST_PASSWORD } });
    cookie = login.headers.get('set-cookie')!.split(';')[0];
    const page = await api.get('/organizer/experts', { cookie });
    csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  });
  afterAll(() => t.close());

  it('lists the registry with filters, links the XLSX export with the same filters, and records decisions with reasons', async () => {
    const applied = await api.post('/api/v1/experts/applications', {
      consent: true,
      email: `page-applicant-${Date.now()}@example.org`,
      password: 'long-enough-password',
      fullName: 'Заявитель <Страницы>',
      territoryId: territories[40],
      organizationName: 'Школа',
      position: 'Учитель',
      competences: ['information_policy'],
    });
    const id = applied.body.id;
    const page = await api.get(`/organizer/experts?status=applied&competence=information_policy&territoryId=${territories[40]}`, {
      cookie,
    });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2 id="expert-' + id + '"><a href="/organizer/experts/' + id + '">Заявитель &lt;Страницы&gt;</a></h2>');
    expect(page.text).toContain(
      `href="/api/v1/experts/export.xlsx?status&#x3D;applied&amp;competence&#x3D;information_policy&amp;territoryId&#x3D;${territories[40]}"`,
    );
    expect(page.text).toContain('не подтверждена');
    const none = await api.get(`/organizer/experts?status=approved&territoryId=${territories[40]}&competence=information_policy`, {
      cookie,
    });
    expect(none.text).toContain('Эксперты не найдены.');

    // approving an unconfirmed applicant is refused, the reason shown on the card
    const early = await api.post(`/organizer/experts/${id}/approve`, undefined, { cookie, form: { _csrf: csrf } });
    expect(early.status).toBe(409);
    expect(early.text).toContain('Электронная почта: эксперт ещё не подтвердил адрес электронной почты');
    expect(early.text).not.toContain('email:');
    // rejecting asks first, stating the consequence; without confirm=yes nothing changes
    const ask = await api.post(`/organizer/experts/${id}/reject`, undefined, { cookie, form: { _csrf: csrf, reason: 'Мало опыта' } });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('заявителю уйдёт письмо с причиной: «Мало опыта»');
    const [pending] = await t.dataSource.query(`SELECT status FROM expert_profiles WHERE user_id = $1`, [id]);
    expect(pending.status).toBe('applied');
    const rejected = await api.post(`/organizer/experts/${id}/reject`, undefined, {
      cookie,
      form: { _csrf: csrf, reason: 'Мало опыта', confirm: 'yes' },
    });
    expect(rejected.status).toBe(303);
    expect(rejected.headers.get('location')).toBe('/organizer/experts?done=reject');
    const [row] = await t.dataSource.query(`SELECT status, status_reason, decided_by FROM expert_profiles WHERE user_id = $1`, [id]);
    expect(row).toEqual({ status: 'rejected', status_reason: 'Мало опыта', decided_by: organizer.id });

    const expert = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[41] });
    const noReason = await api.post(`/organizer/experts/${expert.id}/suspend`, undefined, { cookie, form: { _csrf: csrf, reason: ' ' } });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Причина: укажите причину приостановки');
    const noCsrf = await api.post(`/organizer/experts/${expert.id}/suspend`, undefined, { cookie, form: { reason: 'x' } });
    expect(noCsrf.status).toBe(403);
    const suspended = await api.post(`/organizer/experts/${expert.id}/suspend`, undefined, {
      cookie,
      form: { _csrf: csrf, reason: 'Отпуск' },
    });
    expect(suspended.status).toBe(303);
    const restored = await api.post(`/organizer/experts/${expert.id}/restore`, undefined, { cookie, form: { _csrf: csrf } });
    expect(restored.status).toBe(303);
    const done = await api.get('/organizer/experts?done=restore', { cookie });
    expect(done.text).toContain('Эксперт восстановлен.');
    // a body-less API call works too
    const bare = await api.request('POST', `/api/v1/experts/${expert.id}/suspend`, { token: organizer.token });
    expect(bare.status).toBe(400);
    expect(bare.body.message).toBe('reason: укажите причину приостановки');
  });

  it('assigns through the form: a conflict asks for a reason and keeps the choices; the list shows overrides and late flags; remind and reopen', async () => {
    const campaign = await createCampaign(t.dataSource, 'expertise', 1);
    const doc = await createDocument(t.dataSource, campaign.id, { title: 'Положение о конкурсе', authorTerritoryId: territories[42] });
    const local = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[42], fullName: 'Местный Эксперт' });
    const url = `/organizer/campaigns/${campaign.id}/assignments`;
    const page = await api.get(url, { cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<label for="document-${doc.id}">Положение о конкурсе</label>`);
    expect(page.text).toContain(`id="expert-${local.id}" name="expertIds" value="${local.id}"`);
    // found by name; another name finds nobody
    const found = await api.get(`${url}?q=${encodeURIComponent('местный')}`, { cookie });
    expect(found.text).toContain(`id="expert-${local.id}"`);
    const nobody = await api.get(`${url}?q=${encodeURIComponent('Несуществующий')}`, { cookie });
    expect(nobody.text).not.toContain(`id="expert-${local.id}"`);
    expect(nobody.text).toContain('По этим условиям одобренных экспертов нет.');

    // the first post only shows the plan: the count, the conflict in words (no ids), the reason field; nothing is created
    const form = { _csrf: csrf, expertIds: [local.id], documentIds: [doc.id], dueAt: '2020-02-01T10:00' };
    const plan = await api.post(url, undefined, { cookie, form });
    expect(plan.status).toBe(200);
    expect(plan.text).toContain('<strong id="plan-count">1 назначение</strong>');
    expect(plan.text).toContain('<li>Местный Эксперт и документ «Положение о конкурсе»: территория эксперта — автор документа</li>');
    expect(plan.text).toContain('<label for="overrideReason">Причина назначения вопреки конфликту интересов');
    expect(plan.text).not.toContain(local.id.slice(0, 8) + '…');
    expect(plan.text).not.toContain('overrideReason,');
    const none = await t.dataSource.query(`SELECT 1 FROM assignments WHERE campaign_id = $1`, [campaign.id]);
    expect(none).toHaveLength(0);

    // confirmed without the reason: refused, the message next to the field, still nothing created
    const noReason409 = await api.post(url, undefined, { cookie, form: { ...form, confirm: 'yes' } });
    expect(noReason409.status).toBe(409);
    expect(noReason409.text).toContain('<p class="field-error" id="overrideReason-error">Укажите причину: без неё эксперт с конфликтом интересов не назначается</p>');
    expect(noReason409.text).toContain('Назначение не создано: есть конфликт интересов.');
    expect(noReason409.text).toContain('value="2020-02-01T10:00"');

    const ok = await api.post(url, undefined, { cookie, form: { ...form, confirm: 'yes', overrideReason: 'Узкая тема' } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`${url}?created=1`);
    const [a] = await t.dataSource.query(`SELECT id, due_at, conflict_override_reason FROM assignments WHERE campaign_id = $1`, [
      campaign.id,
    ]);
    expect(a.due_at.toISOString()).toBe('2020-02-01T05:00:00.000Z');
    expect(a.conflict_override_reason).toBe('Узкая тема');
    const list = await api.get(`${url}?created=1`, { cookie });
    expect(list.text).toContain('Назначение создано: 1.');
    expect(list.text).toContain('Конфликт интересов, причина: Узкая тема');
    expect(list.text).toContain('просрочено: <strong>1</strong>');
    expect(list.text).toContain('<strong class="late-flag">просрочено</strong>');
    // the same pair again: nothing to create, and the page says so instead of «Назначения созданы»
    const againPlan = await api.post(url, undefined, { cookie, form });
    expect(againPlan.text).toContain('Новых назначений не будет: все выбранные эксперты уже назначены на эти документы.');
    const again = await api.post(url, undefined, { cookie, form: { ...form, confirm: 'yes', overrideReason: 'Узкая тема' } });
    expect(again.headers.get('location')).toBe(`${url}?done=none`);
    const noneText = (await api.get(`${url}?done=none`, { cookie })).text;
    expect(noneText).toContain('Новых назначений нет');
    expect(noneText).not.toContain('Назначения созданы');

    const reminded = await api.post(`${url}/${a.id}/remind`, undefined, { cookie, form: { _csrf: csrf } });
    expect(reminded.status).toBe(303);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM mail_messages WHERE template = 'expert-manual-reminder' AND campaign_id = $1`,
      [campaign.id],
    );
    expect(n).toBe(1);

    await t.dataSource.query(`UPDATE assignments SET status = 'submitted', submitted_at = now() WHERE id = $1`, [a.id]);
    const noReason = await api.post(`${url}/${a.id}/reopen`, undefined, { cookie, form: { _csrf: csrf, reason: '' } });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain(`<li><a href="#reopen-${a.id}">Причина возврата: укажите причину</a></li>`);
    expect(noReason.text).toContain(`<p class="field-error" id="reopen-${a.id}-error">Укажите причину</p>`);
    const reopened = await api.post(`${url}/${a.id}/reopen`, undefined, { cookie, form: { _csrf: csrf, reason: 'Нет комментариев' } });
    expect(reopened.status).toBe(303);
    const [after] = await t.dataSource.query(`SELECT status, reopened_reason FROM assignments WHERE id = $1`, [a.id]);
    expect(after).toEqual({ status: 'draft', reopened_reason: 'Нет комментариев' });
  });

  it('expert pages: an applicant awaiting approval is told so; another expert’s assignment page is 404', async () => {
    const waiting = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[1], status: 'applied' });
    const login = await api.post('/login', undefined, { form: { email: waiting.email, password: TEST_PASSWORD } });
    const expertCookie = login.headers.get('set-cookie')!.split(';')[0];
    const page = await api.get('/expert/assignments', { cookie: expertCookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Ваша заявка в реестр экспертов ещё рассматривается.');
    const campaign = await createCampaign(t.dataSource, 'expertise', 1);
    const doc = await createDocument(t.dataSource, campaign.id);
    const someone = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[2] });
    const res = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments`,
      { expertIds: [someone.id], documentIds: [doc.id] },
      { token: organizer.token },
    );
    const foreign = await api.get(`/expert/assignments/${res.body[0].id}`, { cookie: expertCookie });
    expect(foreign.status).toBe(404);
    expect(foreign.text).toContain('Назначение не найдено');
    const apply = await api.get('/experts/apply', { headers: { accept: 'text/html' } });
    expect(apply.status).toBe(200);
    expect(apply.text).toContain('<legend>Компетенции: направления, по которым вы готовы проводить экспертизу');
    expect(apply.text).toContain('<label for="competence-knowledge">Знание</label>');
  });
});
