import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { REDIS, RedisClient, redisKey } from '../../src/common/redis.module';
import { AppConfig } from '../../src/config/app.config';
import { createExpert, ExpertiseSuite, startExpertiseSuite } from '../factories/expertise.factory';
import { TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { TestApp, waitFor } from '../setup/app';
import { client } from '../setup/http';
import { TestSmtp } from '../setup/smtp';

describe('expert registry: apply → confirm → approve/reject, suspend/restore, filters, XLSX (real SMTP)', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let territories: string[];

  const mailTo = (to: string, subject: string) =>
    waitFor(async () => smtp.messages.find((m) => m.to.includes(to) && m.subject.includes(subject)), 20_000, `mail "${subject}" to ${to}`);
  const application = (email: string, extra: Record<string, unknown> = {}) => ({
    email,
    password: 'long-enough-password',
    fullName: 'Иванова Мария Петровна',
    territoryId: territories[0],
    organizationName: 'МАОУ «СОШ № 1»',
    position: 'Заместитель директора',
    competences: ['knowledge', 'health'],
    about: 'Двадцать лет в школе',
    consent: true,
    ...extra,
  });
  const uniq = (p: string) => `${p}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.org`;

  let suite: ExpertiseSuite;

  beforeAll(async () => {
    suite = await startExpertiseSuite('Организатор Реестра');
    ({ smtp, t, api, organizer, territories } = suite);
  });
  afterAll(() => suite.close());

  it('refuses a bad application naming every bad field, storing nothing', async () => {
    const res = await api.post('/api/v1/experts/applications', {
      email: 'not-an-email',
      password: 'short',
      fullName: '',
      territoryId: '00000000-0000-0000-0000-000000000000',
      organizationName: '',
      position: '',
      competences: ['knowledge', 'astrology'],
      consent: true,
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'fullName: укажите фамилию, имя и отчество (до 200 символов)',
        'email: неверный адрес электронной почты',
        'password: пароль должен быть от 8 до 200 символов',
        'territoryId: неизвестная территория',
        'organizationName: укажите организацию (до 300 символов)',
        'position: укажите должность (до 200 символов)',
        'competences: неизвестное направление: «astrology»',
      ],
      code: 'VALIDATION_FAILED',
    });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users WHERE email = 'not-an-email'`);
    expect(n).toBe(0);
    const extra = await api.post('/api/v1/experts/applications', { ...application(uniq('x')), role: 'admin' });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toEqual(['role: property role should not exist']);
  });

  it('apply → confirmation email (single-use token, only sha256 stored) → confirm page → approve → approval email', async () => {
    const email = uniq('applicant');
    const res = await api.post('/api/v1/experts/applications', application(email.toUpperCase()));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), status: 'applied' });
    const id = res.body.id;
    const [user] = await t.dataSource.query(`SELECT role, active, email_confirmed_at FROM users WHERE id = $1`, [id]);
    expect(user).toEqual({ role: 'expert', active: true, email_confirmed_at: null });
    const [profile] = await t.dataSource.query(
      `SELECT status, competences, organization_name, position, about FROM expert_profiles WHERE user_id = $1`,
      [id],
    );
    expect(profile).toEqual({
      status: 'applied',
      competences: ['knowledge', 'health'],
      organization_name: 'МАОУ «СОШ № 1»',
      position: 'Заместитель директора',
      about: 'Двадцать лет в школе',
    });

    const dup = await api.post('/api/v1/experts/applications', application(email));
    // the same answer as for a new address (issue 11: no account enumeration); the owner is told by email instead
    expect(dup.status).toBe(201);
    expect(dup.body).toEqual({ id: expect.any(String), status: 'applied' });
    expect(dup.body.id).not.toBe(id);

    // approving before the address is confirmed is refused, and says why
    const early = await api.post(`/api/v1/experts/${id}/approve`, {}, { token: organizer.token });
    expect(early.status).toBe(409);
    expect(early.body.message).toBe('email: эксперт ещё не подтвердил адрес электронной почты');

    const mail = await mailTo(email, 'Подтвердите адрес');
    const link = /http:\/\/platform\.test(\/experts\/confirm\?token=([A-Za-z0-9_-]+))/.exec(mail.text);
    expect(link).not.toBeNull();
    const token = link![2];
    expect(mail.html).toContain(`href="http://platform.test/experts/confirm?token&#x3D;${token}"`);
    const tokens = await t.dataSource.query(`SELECT kind, token_hash, used_at FROM user_tokens WHERE user_id = $1`, [id]);
    expect(tokens).toEqual([{ kind: 'email_confirmation', token_hash: createHash('sha256').update(token).digest('hex'), used_at: null }]);

    // an applied (unapproved) expert can log in but sees no assignments
    const login = await api.post('/api/v1/auth/login', { email, password: 'long-enough-password' });
    expect(login.status).toBe(200);
    expect((await api.get('/api/v1/me/assignments', { token: login.body.accessToken })).body).toEqual([]);

    const page = await api.get(link![1], { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Адрес подтверждён');
    const again = await api.get(link![1], { headers: { accept: 'text/html' } });
    expect(again.status).toBe(410);
    expect(again.text).toContain('Ссылка уже использована');
    const bogus = await api.get('/experts/confirm?token=nope', { headers: { accept: 'text/html' } });
    expect(bogus.status).toBe(404);
    expect(bogus.text).toContain('Ссылка недействительна');

    const approved = await api.post(`/api/v1/experts/${id}/approve`, {}, { token: organizer.token });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id, status: 'approved', emailConfirmed: true, email, fullName: 'Иванова Мария Петровна' });
    const welcome = await mailTo(email, 'одобрена');
    expect(welcome.text).toContain('Ваша заявка в региональный реестр экспертов одобрена');
    const twice = await api.post(`/api/v1/experts/${id}/approve`, {}, { token: organizer.token });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toBe('status: переход из «Одобрен» в «Одобрен» невозможен');

    const audit = await t.dataSource.query(`SELECT action, actor_id FROM audit_log WHERE entity_id = $1 ORDER BY id`, [id]);
    expect(audit).toEqual([
      { action: 'expert.applied', actor_id: id },
      { action: 'expert.email_confirmed', actor_id: id },
      { action: 'expert.approve', actor_id: organizer.id },
    ]);
  });

  it('an expired confirmation link gives a clear Russian page', async () => {
    const email = uniq('late');
    const res = await api.post('/api/v1/experts/applications', application(email));
    const mail = await mailTo(email, 'Подтвердите адрес');
    const path = /platform\.test(\/experts\/confirm\?token=[A-Za-z0-9_-]+)/.exec(mail.text)![1];
    await t.dataSource.query(`UPDATE user_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [res.body.id]);
    const page = await api.get(path, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(410);
    expect(page.text).toContain('Срок действия ссылки истёк');
    const [u] = await t.dataSource.query(`SELECT email_confirmed_at FROM users WHERE id = $1`, [res.body.id]);
    expect(u.email_confirmed_at).toBeNull();
  });

  it('rejects with a reason (emailed), suspends (reason required, login refused) and restores', async () => {
    const email = uniq('rejected');
    const res = await api.post('/api/v1/experts/applications', application(email));
    const rejected = await api.post(
      `/api/v1/experts/${res.body.id}/reject`,
      { reason: 'Нет опыта экспертизы' },
      { token: organizer.token },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', statusReason: 'Нет опыта экспертизы' });
    const mail = await mailTo(email, 'отклонена');
    expect(mail.text).toContain('Причина: Нет опыта экспертизы');
    const restoreRejected = await api.post(`/api/v1/experts/${res.body.id}/restore`, {}, { token: organizer.token });
    expect(restoreRejected.status).toBe(409);
    expect(restoreRejected.body.message).toBe('status: переход из «Отклонён» в «Одобрен» невозможен');

    const expert = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[1] });
    const noReason = await api.post(`/api/v1/experts/${expert.id}/suspend`, {}, { token: organizer.token });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toBe('reason: укажите причину приостановки');
    const suspended = await api.post(`/api/v1/experts/${expert.id}/suspend`, { reason: 'Конфликт интересов' }, { token: organizer.token });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', statusReason: 'Конфликт интересов' });
    const login = await api.post('/api/v1/auth/login', { email: expert.email, password: TEST_PASSWORD });
    expect(login.status).toBe(401);
    const restored = await api.post(`/api/v1/experts/${expert.id}/restore`, {}, { token: organizer.token });
    expect(restored.status).toBe(200);
    expect(restored.body.status).toBe('approved');
    expect((await api.post('/api/v1/auth/login', { email: expert.email, password: TEST_PASSWORD })).status).toBe(200);
    const unknown = await api.post(`/api/v1/experts/00000000-0000-0000-0000-000000000000/approve`, {}, { token: organizer.token });
    expect(unknown.status).toBe(404);
  });

  it('lists with filters by status, competence and territory; only organizers', async () => {
    const a = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[5], competences: ['creativity'] });
    const b = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[5], competences: ['health'], status: 'applied' });
    const byTerritory = await api.get(`/api/v1/experts?territoryId=${territories[5]}`, { token: organizer.token });
    expect(byTerritory.body.map((e: { id: string }) => e.id).sort()).toEqual([a.id, b.id].sort());
    const both = await api.get(`/api/v1/experts?territoryId=${territories[5]}&competence=creativity&status=approved`, {
      token: organizer.token,
    });
    expect(both.body.map((e: { id: string }) => e.id)).toEqual([a.id]);
    expect(both.body[0].territory).toEqual({ id: territories[5], name: expect.any(String), kind: expect.any(String) });
    const applied = await api.get(`/api/v1/experts?territoryId=${territories[5]}&status=applied`, { token: organizer.token });
    expect(applied.body.map((e: { id: string }) => e.id)).toEqual([b.id]);
    const bad = await api.get('/api/v1/experts?status=sleeping', { token: organizer.token });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual(['status: допустимы applied, approved, rejected, suspended']);
    expect((await api.get('/api/v1/experts', { token: a.token })).status).toBe(403);
    expect((await api.get('/api/v1/experts')).status).toBe(401);
  });

  it('exports the registry as XLSX with formula-like text neutralised', async () => {
    const email = uniq('formula');
    await api.post(
      '/api/v1/experts/applications',
      application(email, { territoryId: territories[7], fullName: '=HYPERLINK("http://evil")', about: '@SUM(A1)' }),
    );
    const res = await fetch(`${t.url}/api/v1/experts/export.xlsx?territoryId=${territories[7]}`, {
      headers: { authorization: `Bearer ${organizer.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('Реестр экспертов')!;
    expect(ws.rowCount).toBe(2);
    expect(ws.getRow(1).getCell(1).value).toBe('ФИО');
    const row = ws.getRow(2);
    expect(row.getCell(1).value).toBe(`'=HYPERLINK("http://evil")`);
    expect(row.getCell(2).value).toBe(email);
    expect(row.getCell(3).value).toBe('Заявка подана');
    expect(row.getCell(8).value).toBe('Знание; Здоровье');
    expect(row.getCell(9).value).toBe(`'@SUM(A1)`);
    expect(row.getCell(1).formula).toBeUndefined();
    // the application time as a date cell in the region's time (UTC+5)
    const [{ created_at }] = await t.dataSource.query(
      `SELECT p.created_at FROM expert_profiles p JOIN users u ON u.id = p.user_id WHERE u.email = $1`,
      [email],
    );
    expect(row.getCell(11).value).toEqual(new Date(new Date(created_at).getTime() + 5 * 3600_000));
    expect(row.getCell(11).numFmt).toBe('dd.mm.yyyy hh:mm');
  });

  it('the public application page keeps what was typed and shows Russian errors next to fields', async () => {
    const bad = await api.post('/experts/apply', undefined, {
      form: {
        fullName: 'Петров Пётр',
        email: 'bad',
        password: 'x',
        territoryId: '',
        organizationName: 'Гимназия',
        position: '',
        about: 'Текст <b>',
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Заявка не отправлена');
    expect(bad.text).toContain('<p class="field-error" id="email-error">неверный адрес электронной почты</p>');
    expect(bad.text).toContain('<p class="field-error" id="competences-error">выберите хотя бы одно направление</p>');
    expect(bad.text).toContain('value="Петров Пётр"');
    expect(bad.text).toContain('value="Гимназия"');
    expect(bad.text).toContain('Текст &lt;b&gt;</textarea>');
    expect(bad.text).not.toContain('value="x"');
    const email = uniq('page');
    const ok = await api.post('/experts/apply', undefined, {
      form: {
        fullName: 'Петров Пётр',
        email,
        password: 'long-enough-password',
        territoryId: territories[2],
        organizationName: 'Гимназия',
        position: 'Учитель',
        competences: ['knowledge', 'creativity'],
        consent: 'on',
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Заявка отправлена');
    const [p] = await t.dataSource.query(
      `SELECT p.competences FROM expert_profiles p JOIN users u ON u.id = p.user_id WHERE u.email = $1`,
      [email],
    );
    expect(p.competences).toEqual(['knowledge', 'creativity']);
  });

  it('refuses more than 30 successful applications per address and hour with 429 (this suite has its own Redis prefix)', async () => {
    const redis = t.app.get<RedisClient>(REDIS);
    const key = redisKey(t.app.get(AppConfig), 'expert-applications', '127.0.0.1');
    await redis.set(key, '30', 'EX', 60);
    const res = await api.post('/api/v1/experts/applications', application(uniq('flood')));
    expect(res.status).toBe(429);
    expect(res.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'Слишком много заявок с этого адреса. Попробуйте через час.',
      code: 'RATE_LIMITED',
    });
    const page = await api.post('/experts/apply', undefined, { form: { fullName: 'Ещё один' } });
    expect(page.status).toBe(429);
    expect(page.text).toContain('Слишком много заявок с этого адреса. Попробуйте через час.');
    expect(page.text).toContain('value="Ещё один"');
    await redis.del(key);
  });
});
