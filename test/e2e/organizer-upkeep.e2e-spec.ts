import { Role } from '../../src/accounts/entities/user.entity';
import { RegistryUpkeepService } from '../../src/expertise/registry-upkeep.service';
import { createCampaign, createDocument, createExpert, territoryIds } from '../factories/expertise.factory';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

/**
 * Registry upkeep (menu count, daily digest, resending the confirmation, an expert's history) and the confirmations
 * of irreversible steps that a form post without `confirm=yes` cannot skip.
 */
describe('registry upkeep and confirmations that cannot be skipped', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let territories: string[];
  let cookie: string;
  let csrf: string;

  const mails = (template: string, to?: string) =>
    t.dataSource.query(
      `SELECT to_address, context FROM mail_messages WHERE template = $1 AND ($2::text IS NULL OR to_address = $2) ORDER BY created_at`,
      [template, to ?? null],
    );

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer, 'Организатор Реестра');
    territories = await territoryIds(t.dataSource);
    cookie = `sid=${organizer.token}`;
    const page = await api.get('/organizer/campaigns', { cookie, headers: { accept: 'text/html' } });
    csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  });
  afterAll(() => t.close());

  it('the menu counts applications waiting for a decision (confirmed address only)', async () => {
    const page = async () => (await api.get('/organizer/campaigns', { cookie, headers: { accept: 'text/html' } })).text;
    expect(await page()).not.toContain('class="menu-count"');
    await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[1], status: 'applied', fullName: 'Ждущий Решения' });
    const unconfirmed = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[2], status: 'applied' });
    await t.dataSource.query(`UPDATE users SET email_confirmed_at = NULL WHERE id = $1`, [unconfirmed.id]);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM expert_profiles p JOIN users u ON u.id = p.user_id WHERE p.status = 'applied' AND u.email_confirmed_at IS NOT NULL`,
    );
    expect(n).toBe(1);
    expect(await page()).toContain(`Заявки <span class="menu-count">${n}</span><span class="visually-hidden"> ждут решения</span>`);
  });

  it('sends one digest a day to each organizer while applications wait, from 09:00 local time', async () => {
    const upkeep = t.app.get(RegistryUpkeepService);
    // 03:00 UTC = 08:00 in Chelyabinsk: too early
    expect(await upkeep.sendDailyDigest(new Date('2031-03-10T03:00:00Z'))).toBe(0);
    expect(await upkeep.sendDailyDigest(new Date('2031-03-10T04:05:00Z'))).toBe(1);
    expect(await upkeep.sendDailyDigest(new Date('2031-03-10T12:00:00Z'))).toBe(0);
    expect(await upkeep.sendDailyDigest(new Date('2031-03-10T18:59:00Z'))).toBe(0);
    const sent = await mails('expert-applications-digest', organizer.email);
    expect(sent).toHaveLength(1);
    expect(sent[0].context).toMatchObject({ total: 1, applicants: [{ fullName: 'Ждущий Решения' }], day: '2031-03-10' });
    // the next local day (19:00 UTC = 00:00 local, but before 09:00 nothing), then 09:00
    expect(await upkeep.sendDailyDigest(new Date('2031-03-10T19:30:00Z'))).toBe(0);
    expect(await upkeep.sendDailyDigest(new Date('2031-03-11T04:00:00Z'))).toBe(1);
    expect(await mails('expert-applications-digest', organizer.email)).toHaveLength(2);
    // nothing waits: no digest
    await t.dataSource.query(`UPDATE expert_profiles SET status = 'approved' WHERE status = 'applied'`);
    expect(await upkeep.sendDailyDigest(new Date('2031-03-12T04:00:00Z'))).toBe(0);
  });

  it('sends the confirmation email again on request, once per 10 minutes per address, saying the same for unknown addresses', async () => {
    const applicant = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[3], status: 'applied' });
    await t.dataSource.query(`UPDATE users SET email_confirmed_at = NULL WHERE id = $1`, [applicant.id]);
    const form = (email: string) => api.post('/experts/confirm/resend', undefined, { form: { email } });
    const ok = await form(applicant.email.toUpperCase());
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('мы отправили письмо со ссылкой ещё раз');
    expect(await mails('expert-confirmation', applicant.email)).toHaveLength(1);
    const again = await form(applicant.email);
    expect(again.status).toBe(429);
    expect(again.text).toContain('<p class="field-error" id="email-error">Письмо уже отправлено недавно: повторить можно через 10 минут</p>');
    expect(again.text).not.toContain('email:');
    expect(await mails('expert-confirmation', applicant.email)).toHaveLength(1);
    const unknown = await form('nobody-here@example.org');
    expect(unknown.status).toBe(200);
    expect(unknown.text).toContain('мы отправили письмо со ссылкой ещё раз');
    expect(await mails('expert-confirmation', 'nobody-here@example.org')).toHaveLength(0);
    const empty = await form('');
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('<p class="field-error" id="email-error">Укажите адрес электронной почты</p>');
  });

  it("shows an expert's history: reviews on time, late, and not done after the close", async () => {
    const expert = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[4], fullName: 'Опытный Эксперт' });
    const done = await createCampaign(t.dataSource, 'completed', 1);
    const running = await createCampaign(t.dataSource, 'expertise', 1);
    const docs = [
      await createDocument(t.dataSource, done.id),
      await createDocument(t.dataSource, done.id),
      await createDocument(t.dataSource, done.id),
      await createDocument(t.dataSource, running.id),
    ];
    const add = (campaignId: string, documentId: string, status: string, due: string | null, submitted: string | null) =>
      t.dataSource.query(
        `INSERT INTO assignments (campaign_id, document_id, expert_id, status, due_at, submitted_at, row_version) VALUES ($1, $2, $3, $4, $5, $6, 1)`,
        [campaignId, documentId, expert.id, status, due, submitted],
      );
    await add(done.id, docs[0].id, 'submitted', '2030-01-10T00:00:00Z', '2030-01-09T00:00:00Z');
    await add(done.id, docs[1].id, 'submitted', '2030-01-10T00:00:00Z', '2030-01-11T00:00:00Z');
    await add(done.id, docs[2].id, 'assigned', '2030-01-10T00:00:00Z', null);
    await add(running.id, docs[3].id, 'draft', null, null);
    const page = await api.get(`/organizer/experts/${expert.id}`, { cookie, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain(
      '<p id="history-totals">Назначено: 4, отправлено рецензий: 2 (в срок: 1, с опозданием: 1), не выполнено: 1.</p>',
    );
    // the campaign's assignment list says the same in words, and offers no forms once completed
    const list = await api.get(`/organizer/campaigns/${done.id}/assignments`, { cookie, headers: { accept: 'text/html' } });
    expect(list.text).toContain('не выполнено — экспертиза завершена');
    expect(list.text).toContain('назначения больше не меняются');
    expect(list.text).not.toContain('Проверить и назначить');
    // and so does the expert's own list
    const login = await api.post('/login', undefined, { form: { email: expert.email, password: TEST_PASSWORD } });
    const mine = await api.get('/expert/assignments', { cookie: login.headers.get('set-cookie')!.split(';')[0] });
    expect(mine.text).toContain('<td data-label="Статус">не выполнено — экспертиза завершена</td>');
  });

  it('ending the expertise names the missing reviews; without confirm=yes nothing moves', async () => {
    const campaign = await createCampaign(t.dataSource, 'expertise', 1);
    const doc = await createDocument(t.dataSource, campaign.id, { title: 'Программа воспитания' });
    const a = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[5], fullName: 'Аникина Анна' });
    const b = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[6], fullName: 'Борисов Борис' });
    for (const [e, status] of [
      [a, 'submitted'],
      [b, 'assigned'],
    ] as const)
      await t.dataSource.query(
        `INSERT INTO assignments (campaign_id, document_id, expert_id, status, submitted_at, row_version) VALUES ($1, $2, $3, $4, CASE WHEN $4 = 'submitted' THEN now() END, 1)`,
        [campaign.id, doc.id, e.id, status],
      );
    const url = `/organizer/campaigns/${campaign.id}/transitions`;
    const ask = await api.post(url, undefined, { cookie, form: { _csrf: csrf, to: 'completed' } });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Экспертиза завершится, хотя 1 из 2 рецензий не отправлена');
    expect(ask.text).toContain('<li>Борисов Борис — «Программа воспитания»</li>');
    const [still] = await t.dataSource.query(`SELECT status FROM campaigns WHERE id = $1`, [campaign.id]);
    expect(still.status).toBe('expertise');
    const wrong = await api.post(url, undefined, { cookie, form: { _csrf: csrf, to: 'completed', confirm: 'no' } });
    expect(wrong.status).toBe(200);
    expect((await t.dataSource.query(`SELECT status FROM campaigns WHERE id = $1`, [campaign.id]))[0].status).toBe('expertise');
    const done = await api.post(url, undefined, { cookie, form: { _csrf: csrf, to: 'completed', confirm: 'yes' } });
    expect(done.status).toBe(303);
    expect((await t.dataSource.query(`SELECT status FROM campaigns WHERE id = $1`, [campaign.id]))[0].status).toBe('completed');
  });

  it("the expert's final submit: without confirm=yes the review stays a draft", async () => {
    const campaign = await createCampaign(t.dataSource, 'expertise', 2);
    const doc = await createDocument(t.dataSource, campaign.id, { title: 'Положение' });
    const expert = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[7] });
    const [row] = await t.dataSource.query(
      `INSERT INTO assignments (campaign_id, document_id, expert_id, row_version) VALUES ($1, $2, $3, 1) RETURNING id`,
      [campaign.id, doc.id, expert.id],
    );
    const login = await api.post('/login', undefined, { form: { email: expert.email, password: TEST_PASSWORD } });
    const expertCookie = login.headers.get('set-cookie')!.split(';')[0];
    const page = await api.get(`/expert/assignments/${row.id}`, { cookie: expertCookie });
    const expertCsrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const form: Record<string, string> = { _csrf: expertCsrf, action: 'submit', recommendation: 'approve', comment: 'Хорошо' };
    for (const c of campaign.criteria) form[`score_${c.id}`] = '2';
    const ask = await api.post(`/expert/assignments/${row.id}`, undefined, { cookie: expertCookie, form });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('<h1>Отправить оценку?</h1>');
    expect(ask.text).toContain('Оценено критериев: 2 из 2.');
    expect((await t.dataSource.query(`SELECT status FROM assignments WHERE id = $1`, [row.id]))[0].status).toBe('draft');
    const sent = await api.post(`/expert/assignments/${row.id}`, undefined, { cookie: expertCookie, form: { ...form, confirm: 'yes' } });
    expect(sent.status).toBe(303);
    expect((await t.dataSource.query(`SELECT status FROM assignments WHERE id = $1`, [row.id]))[0].status).toBe('submitted');
  });
});
