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
    expect(page.text).toContain('<h2 id="expert-' + id + '">Заявитель &lt;Страницы&gt;</h2>');
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
    expect(early.text).toContain('email: эксперт ещё не подтвердил адрес электронной почты');
    const rejected = await api.post(`/organizer/experts/${id}/reject`, undefined, { cookie, form: { _csrf: csrf, reason: 'Мало опыта' } });
    expect(rejected.status).toBe(303);
    expect(rejected.headers.get('location')).toBe('/organizer/experts?done=reject');
    const [row] = await t.dataSource.query(`SELECT status, status_reason, decided_by FROM expert_profiles WHERE user_id = $1`, [id]);
    expect(row).toEqual({ status: 'rejected', status_reason: 'Мало опыта', decided_by: organizer.id });

    const expert = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[41] });
    const noReason = await api.post(`/organizer/experts/${expert.id}/suspend`, undefined, { cookie, form: { _csrf: csrf, reason: ' ' } });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('reason: укажите причину приостановки');
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

    const conflict = await api.post(url, undefined, {
      cookie,
      form: { _csrf: csrf, expertIds: [local.id], documentIds: [doc.id], dueAt: '2020-02-01T10:00' },
    });
    expect(conflict.status).toBe(409);
    expect(conflict.text).toContain('территория эксперта — автор документа');
    expect(conflict.text).toContain('(нужна для назначения)');
    expect(conflict.text).toContain(`id="expert-${local.id}" name="expertIds" value="${local.id}" checked`);
    expect(conflict.text).toContain('value="2020-02-01T10:00"');

    const ok = await api.post(url, undefined, {
      cookie,
      form: { _csrf: csrf, expertIds: [local.id], documentIds: [doc.id], dueAt: '2020-02-01T10:00', overrideReason: 'Узкая тема' },
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`${url}?done=assigned`);
    const [a] = await t.dataSource.query(`SELECT id, due_at, conflict_override_reason FROM assignments WHERE campaign_id = $1`, [
      campaign.id,
    ]);
    expect(a.due_at.toISOString()).toBe('2020-02-01T05:00:00.000Z');
    expect(a.conflict_override_reason).toBe('Узкая тема');
    const list = await api.get(`${url}?done=assigned`, { cookie });
    expect(list.text).toContain('Назначения созданы.');
    expect(list.text).toContain('Конфликт интересов, причина: Узкая тема');
    expect(list.text).toContain('просрочено: <strong>1</strong>');
    expect(list.text).toContain('<strong class="late-flag">просрочено</strong>');

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
    expect(noReason.text).toContain('reason: укажите причину (до 2000 символов)');
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
