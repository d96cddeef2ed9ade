import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { Role } from '../../src/accounts/entities/user.entity';
import { PasswordService } from '../../src/accounts/password.service';
import { createApp } from '../../src/app.factory';
import { REDIS, RedisClient, redisKey } from '../../src/common/redis.module';
import { AppConfig } from '../../src/config/app.config';
import { createExpert, TestExpert } from '../factories/expertise.factory';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { startApp, startWorker, TestApp, waitFor } from '../setup/app';
import { client } from '../setup/http';
import { isPage, registeredRoutes, RouteInfo } from '../setup/routes';
import { ReceivedMail, startSmtp, TestSmtp } from '../setup/smtp';
import { proposalIdOf, RealIds, realUrl } from './routes';

/** What a leaked internal error looks like: stack frames, source paths, Node's error codes. */
const INTERNALS = /\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules|ERR_[A-Z_]+|Invalid character|TypeError/;

/*
 * Issue 11: what an outside probe of a running demo found, one test (or more) per finding; each fails on the code
 * before the fix. Finding 1's pattern check is a unit test (src/accounts/email-address.spec.ts) and finding 3's start-up
 * refusal is test/integration/demo-passwords.spec.ts. Own database and Redis prefix (suite-database.ts).
 */
describe('security: the outside probe’s findings stay closed', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let smtp: TestSmtp;
  let api: ReturnType<typeof client>;
  let fx: ResultsFixture;
  let organizer: TestUser;
  let admin: TestUser;
  let expert: TestExpert;
  let ids: RealIds;
  let routes: RouteInfo[];
  let direction: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    process.env.SMTP_URL = smtp.url;
    t = await startApp();
    worker = await startWorker();
    api = client(t.url);
    fx = await buildResultsCampaign(t.dataSource, { status: 'expertise', responses: 4, experts: 1, seed: 11, resultsPublished: true });
    organizer = await createUser(t.app, t.url, Role.Organizer);
    admin = await createUser(t.app, t.url, Role.Admin);
    expert = await createExpert(t.app, t.url, t.dataSource, { territoryId: fx.territories[0].id });
    const assignmentId = randomUUID();
    await t.dataSource.query(
      `INSERT INTO assignments (id, campaign_id, document_id, expert_id, status, row_version) VALUES ($1, $2, $3, $4, 'assigned', 1)`,
      [assignmentId, fx.campaignId, fx.documents[0].id, expert.id],
    );
    const [{ id: reportId }] = await t.dataSource.query(
      `INSERT INTO reports (campaign_id, kind, format) VALUES ($1, 'full', 'csv') RETURNING id`,
      [fx.campaignId],
    );
    const [{ id: organizationId, territory_id: territoryId }] = await t.dataSource.query(
      `SELECT id, territory_id FROM organizations ORDER BY name LIMIT 1`,
    );
    ids = {
      campaignId: fx.campaignId,
      slug: fx.slug,
      documentId: fx.documents[0].id,
      questionId: fx.questions[1].id,
      responseId: fx.responses[0].id,
      assignmentId,
      expertId: expert.id,
      reportId,
      organizationId,
      userId: organizer.id,
      territoryId,
      proposalId: await proposalIdOf(t.dataSource, fx.campaignId),
    };
    routes = registeredRoutes(t);
    [{ code: direction }] = await t.dataSource.query(`SELECT code FROM directions ORDER BY sort_order LIMIT 1`);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
    await smtp.close();
  });

  const redis = () => t.app.get<RedisClient>(REDIS);
  const config = () => t.app.get(AppConfig);
  const resetAddressLimits = () =>
    redis().del(redisKey(config(), 'expert-applications', '127.0.0.1'), redisKey(config(), 'login-fail', 'ip', '127.0.0.1'));

  const application = (email: string) => ({
    email,
    password: 'long-enough-password',
    fullName: 'Проверка Пробы',
    territoryId: fx.territories[0].id,
    organizationName: 'Школа',
    position: 'Учитель',
    competences: [direction],
    consent: true,
  });

  async function cookieLogin(email: string, password = TEST_PASSWORD): Promise<{ cookie: string; csrf: string }> {
    const res = await api.request('POST', '/login', { form: { email, password } });
    expect(res.status).toBe(303);
    const cookie = String(res.headers.get('set-cookie')).split(';')[0];
    const home = await api.get(res.headers.get('location')!, { cookie, headers: { accept: 'text/html' } });
    return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(home.text)?.[1] ?? '' };
  }

  function mailsTo(to: string): ReceivedMail[] {
    return smtp.messages.filter((m) => m.to.includes(to));
  }

  describe('1. ReDoS on the public application', () => {
    beforeEach(() => resetAddressLimits());

    it('the probe’s address is refused with 400 (API and page) without opening a transaction, and nothing is stored', async () => {
      const attack = 'a@' + '.'.repeat(200_000) + '@';
      const users = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM users`))[0].n;
      const before = await users();
      const transaction = jest.spyOn(t.dataSource, 'transaction');
      try {
        const res = await api.post('/api/v1/experts/applications', application(attack));
        expect(res.status).toBe(400);
        expect(res.body.message).toEqual(['email: неверный адрес электронной почты']);
        const page = await api.request('POST', '/experts/apply', { form: application(attack) as unknown as Record<string, string> });
        expect(page.status).toBe(400);
        expect(page.text).toContain('неверный адрес электронной почты');
        // validated before any transaction was opened: a refused application holds no connection
        expect(transaction).not.toHaveBeenCalled();
      } finally {
        transaction.mockRestore();
      }
      expect(await users()).toBe(before);
    });

    it('refused applications count toward the per-address limit: after 30 refused ones a valid one gets 429', async () => {
      for (let i = 0; i < 30; i++) {
        const res = await api.post('/api/v1/experts/applications', { ...application(`bad-${i}@example.org`), fullName: '' });
        expect([i, res.status]).toEqual([i, 400]);
      }
      const email = `after-refusals-${randomUUID().slice(0, 8)}@example.org`;
      const res = await api.post('/api/v1/experts/applications', application(email));
      expect(res.status).toBe(429);
      expect(res.body).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: 'Слишком много заявок с этого адреса. Попробуйте через час.',
        code: 'RATE_LIMITED',
      });
      expect(await t.dataSource.query(`SELECT id FROM users WHERE email = $1`, [email])).toEqual([]);
    });
  });

  describe('2. login limit under concurrent guesses', () => {
    beforeEach(() => resetAddressLimits());

    it('12 simultaneous logins for one account (11 wrong, 1 right): at most 5 reach the password check, the rest get 429', async () => {
      const user = await createUser(t.app, t.url, Role.Expert);
      const passwords = t.app.get(PasswordService);
      const original = passwords.verify.bind(passwords);
      let entered = 0;
      let answered = 0;
      // a password check waits until every request has either reached a check or been answered, so all 12 are
      // decided against the limit while none has finished its check (the probe's situation, made certain)
      const verify = jest.spyOn(passwords, 'verify').mockImplementation(async (hash: string, password: string) => {
        entered++;
        await waitFor(async () => entered + answered >= 12, 20_000, 'all 12 logins decided');
        return original(hash, password);
      });
      try {
        const attempts = Array.from({ length: 12 }, (_, i) => (i === 6 ? TEST_PASSWORD : `wrong-guess-${i}`));
        const results = await Promise.all(
          attempts.map(async (password) => {
            const res = await api.post('/api/v1/auth/login', { email: user.email, password });
            if (res.status === 429) answered++;
            return res;
          }),
        );
        const statuses = results.map((r) => r.status);
        expect(verify.mock.calls.length).toBeLessThanOrEqual(5);
        expect(statuses.filter((s) => s === 429).length).toBe(12 - verify.mock.calls.length);
        expect(statuses.every((s) => s === 200 || s === 401 || s === 429)).toBe(true);
        for (const r of results.filter((x) => x.status === 429)) {
          expect(r.body).toEqual({
            statusCode: 429,
            error: 'Too Many Requests',
            message: 'Слишком много неудачных попыток входа. Повторите через 15 минут.',
            code: 'RATE_LIMITED',
          });
        }
        // a 200 only for the right password, and only if it was among the ones checked
        results.forEach((r, i) => {
          if (r.status === 200) expect(attempts[i]).toBe(TEST_PASSWORD);
        });
      } finally {
        verify.mockRestore();
      }
    });

    it('a success takes its own count back: 40 good logins from one address in a row are not limited', async () => {
      const user = await createUser(t.app, t.url, Role.Organizer);
      for (let i = 0; i < 40; i++) {
        const res = await api.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
        expect([i, res.status]).toEqual([i, 200]);
      }
    });
  });

  describe('4. login CSRF: cookie-less public forms refuse cross-site requests', () => {
    beforeEach(() => resetAddressLimits());

    const crossSite: [string, Record<string, string>][] = [
      ['Origin of another site', { origin: 'http://evil.example' }],
      ['Origin: null', { origin: 'null' }],
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site: cross-site with this site as Origin', { 'sec-fetch-site': 'cross-site', origin: 'http://platform.test' }],
      ['Sec-Fetch-Site: same-site from a sibling subdomain', { 'sec-fetch-site': 'same-site', origin: 'http://evil.platform.test' }],
    ];

    it.each(crossSite)('POST /login with %s: 403, a Russian page, no session cookie', async (_label, headers) => {
      const res = await api.request('POST', '/login', {
        form: { email: organizer.email, password: TEST_PASSWORD },
        headers: { accept: 'text/html', ...headers },
      });
      expect(res.status).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).toContain('Форма отправлена с другого сайта');
      expect(res.text).toContain('<html lang="ru"');
    });

    it('password reset, expert application (page and API) and API login refuse a cross-site Origin; nothing is sent or stored', async () => {
      const mailsBefore = (await t.dataSource.query(`SELECT count(*)::int AS n FROM mail_messages`))[0].n;
      const email = `csrf-${randomUUID().slice(0, 8)}@example.org`;
      const evil = { origin: 'http://evil.example' };
      const reset = await api.request('POST', '/password-reset', {
        form: { email: organizer.email },
        headers: { accept: 'text/html', ...evil },
      });
      expect(reset.status).toBe(403);
      expect(reset.text).toContain('Форма отправлена с другого сайта');
      const apply = await api.request('POST', '/experts/apply', {
        form: application(email) as unknown as Record<string, string>,
        headers: { accept: 'text/html', 'sec-fetch-site': 'cross-site' },
      });
      expect(apply.status).toBe(403);
      for (const [path, body] of [
        ['/api/v1/auth/password-reset', { email: organizer.email }],
        ['/api/v1/experts/applications', application(email)],
        ['/api/v1/auth/login', { email: organizer.email, password: TEST_PASSWORD }],
      ] as const) {
        const res = await api.post(path, body, { headers: evil });
        expect([path, res.status, res.body.code, res.body.message]).toEqual([
          path,
          403,
          'CSRF_INVALID',
          expect.stringContaining('Форма отправлена с другого сайта'),
        ]);
      }
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM mail_messages`))[0].n).toBe(mailsBefore);
      expect(await t.dataSource.query(`SELECT id FROM users WHERE email = $1`, [email])).toEqual([]);
    });

    it('the same forms from this site (Origin = APP_URL or the Host asked for, Sec-Fetch-Site: same-origin) still work', async () => {
      for (const headers of [
        { origin: t.url },
        { origin: config().APP_URL },
        { 'sec-fetch-site': 'same-origin' },
        { 'sec-fetch-site': 'same-origin', origin: 'null' },
        {},
      ] as Record<string, string>[]) {
        const res = await api.request('POST', '/login', { form: { email: organizer.email, password: TEST_PASSWORD }, headers });
        expect([headers, res.status]).toEqual([headers, 303]);
        expect(res.headers.get('set-cookie')).toMatch(/^sid=/);
      }
    });
  });

  describe('5. next= with non-ASCII or control characters, and errors that reach Fastify’s own handler', () => {
    beforeEach(() => resetAddressLimits());

    it('Cyrillic in next= is percent-encoded (GET and POST /login), control characters fall back to the home page', async () => {
      const { cookie } = await cookieLogin(organizer.email);
      const encoded = `/${encodeURIComponent('организатор')}?q=${encodeURIComponent('ё')}`;
      const logged = await api.get(`/login?next=${encodeURIComponent('/организатор?q=ё')}`, { cookie, headers: { accept: 'text/html' } });
      expect([logged.status, logged.headers.get('location')]).toEqual([303, encoded]);
      const form = await api.get(`/login?next=${encodeURIComponent('/организатор')}`, { headers: { accept: 'text/html' } });
      expect(form.status).toBe(200);
      expect(form.text).toContain(`<input type="hidden" name="next" value="/${encodeURIComponent('организатор')}">`);
      const post = await api.request('POST', '/login', { form: { email: organizer.email, password: TEST_PASSWORD, next: '/организатор' } });
      expect([post.status, post.headers.get('location')]).toEqual([303, `/${encodeURIComponent('организатор')}`]);
      for (const next of ['/a\u0007b', '/a\u007fb', '/a\u0085b', '/a\u2028b', '/a\u00a0b']) {
        const res = await api.request('POST', '/login', { form: { email: organizer.email, password: TEST_PASSWORD, next } });
        expect([JSON.stringify(next), res.status, res.headers.get('location')]).toEqual([
          JSON.stringify(next),
          303,
          '/organizer/campaigns',
        ]);
      }
    });

    it('an error Fastify would answer itself (a Location Node cannot write) comes out in the app’s shape, no internals', async () => {
      const app: NestFastifyApplication = await createApp({ logger: false });
      const fastify = app.getHttpAdapter().getInstance();
      // a route outside Nest's controllers whose answer fails while being written
      fastify.get('/probe/bad-location', (_req, reply) => reply.redirect('/организатор', 303));
      fastify.get('/api/probe/bad-location', (_req, reply) => reply.redirect('/организатор', 303));
      await app.listen(0, '127.0.0.1');
      try {
        const address = app.getHttpServer().address();
        const probe = client(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
        const json = await probe.get('/api/probe/bad-location');
        expect(json.status).toBe(500);
        expect(json.body).toEqual({
          statusCode: 500,
          error: 'Internal Server Error',
          message: 'Внутренняя ошибка сервера',
          code: 'INTERNAL',
        });
        expect(json.headers.get('location')).toBeNull();
        const page = await probe.get('/probe/bad-location', { headers: { accept: 'text/html' } });
        expect(page.status).toBe(500);
        expect(page.headers.get('content-type')).toContain('text/html');
        expect(page.text).toContain('Внутренняя ошибка сервера');
        expect(page.text).not.toMatch(INTERNALS);
        expect(json.text).not.toMatch(INTERNALS);
      } finally {
        await app.close();
      }
    });
  });

  describe('6. the queue dashboard', () => {
    it('an admin cookie with Origin: null or a malformed Origin/Referer gets 403, not 500 with a stack trace', async () => {
      const cookie = `sid=${admin.token}`;
      for (const headers of [{ origin: 'null' }, { origin: 'not a url' }, { referer: '::::' }, {}] as Record<string, string>[]) {
        const res = await api.put('/admin/queues/api/queues/mail/pause', undefined, { cookie, headers });
        expect([headers, res.status]).toEqual([headers, 403]);
        expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Запрос отправлен не с этого сайта', code: 'FORBIDDEN' });
        expect(res.text).not.toMatch(INTERNALS);
      }
      // from this site it still works
      const ok = await api.put('/admin/queues/api/queues/mail/resume', undefined, { cookie, headers: { origin: t.url } });
      expect(ok.status).toBeLessThan(300);
    });
  });

  describe('7. the public expert application does not reveal which addresses have accounts', () => {
    beforeEach(() => resetAddressLimits());

    it('an existing address gets the same 201 answer and page as a new one; its owner gets an email instead', async () => {
      const fresh = await api.post('/api/v1/experts/applications', application(`fresh-${randomUUID().slice(0, 8)}@example.org`));
      const existing = await api.post('/api/v1/experts/applications', application(organizer.email.toUpperCase()));
      expect([fresh.status, existing.status]).toEqual([201, 201]);
      expect(Object.keys(existing.body).sort()).toEqual(Object.keys(fresh.body).sort());
      expect(existing.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'applied' });
      expect(existing.body.id).not.toBe(organizer.id);
      // nothing changed for the account: still an organizer, no registry entry
      const [row] = await t.dataSource.query(
        `SELECT u.role, (SELECT count(*)::int FROM expert_profiles p WHERE p.user_id = u.id) AS profiles FROM users u WHERE u.id = $1`,
        [organizer.id],
      );
      expect(row).toEqual({ role: 'organizer', profiles: 0 });

      const pageFresh = await api.request('POST', '/experts/apply', {
        // the page's consent box sends "on" when ticked
        form: { ...application(`fresh-${randomUUID().slice(0, 8)}@example.org`), consent: 'on' } as unknown as Record<string, string>,
      });
      const pageExisting = await api.request('POST', '/experts/apply', {
        form: { ...application(organizer.email), consent: 'on' } as unknown as Record<string, string>,
      });
      expect([pageFresh.status, pageExisting.status]).toEqual([200, 200]);
      for (const page of [pageFresh, pageExisting]) expect(page.text).toContain('Откройте ссылку из письма, чтобы подтвердить адрес');

      const [notice] = await waitFor(
        async () => {
          const found = mailsTo(organizer.email);
          return found.length >= 2 ? found : null;
        },
        30_000,
        'two notices to the owner',
      );
      expect(notice.subject).toBe('Заявка в реестр экспертов с вашим адресом');
      expect(notice.text).toContain('У этого адреса уже есть учётная запись');
      expect(notice.text).toContain(`${config().APP_URL}/login`);
      expect(notice.text).toContain(`${config().APP_URL}/password-reset`);
      expect(notice.html).toContain(`href="${config().APP_URL}/password-reset"`);
      expect(notice.text).not.toMatch(/token=/);
    });
  });

  describe('8. Cache-Control on signed-in answers', () => {
    it('every GET route of the route table answers a signed-in caller with no-store; anonymous public pages keep theirs', async () => {
      const tokenFor = (r: RouteInfo) =>
        r.roles?.includes(Role.Admin) && !r.roles.includes(Role.Organizer)
          ? admin.token
          : r.roles?.includes(Role.Expert) && !r.roles.includes(Role.Organizer)
            ? expert.token
            : r.roles
              ? organizer.token
              : r.path.startsWith('/expert/') || r.path.startsWith('/api/v1/me/')
                ? expert.token
                : organizer.token;
      const gets = routes.filter((r) => r.method === 'GET');
      expect(gets.length).toBeGreaterThanOrEqual(40);
      const missing: string[] = [];
      for (const r of gets) {
        const res = await api.get(realUrl(r.path, ids), { token: tokenFor(r), headers: isPage(r.path) ? { accept: 'text/html' } : {} });
        if (res.headers.get('cache-control') !== 'no-store') missing.push(`${r.path} → ${res.status} ${res.headers.get('cache-control')}`);
      }
      // the queue dashboard is a Fastify plugin, outside the route table
      const board = await api.get('/admin/queues/api/queues', { token: admin.token });
      if (board.headers.get('cache-control') !== 'no-store') missing.push(`/admin/queues/api/queues → ${board.status}`);
      console.log(`Cache-Control: ${gets.length + 1} GET routes as a signed-in caller, without no-store = ${missing.length}`);
      expect(missing).toEqual([]);

      // the private downloads named in the finding, with real content
      const experts = await api.get('/api/v1/experts', { token: organizer.token });
      expect([experts.status, experts.headers.get('cache-control')]).toEqual([200, 'no-store']);
      const campaignPage = await api.get(`/organizer/campaigns/${fx.campaignId}`, {
        token: organizer.token,
        headers: { accept: 'text/html' },
      });
      expect([campaignPage.status, campaignPage.headers.get('cache-control')]).toEqual([200, 'no-store']);

      // anonymous public pages and static files are unchanged: no no-store
      for (const path of ['/', `/c/${fx.slug}`, '/experts/apply', '/static/site.css']) {
        const res = await api.get(path, { headers: { accept: 'text/html' } });
        expect([path, res.headers.get('cache-control')?.includes('no-store') ?? false]).toEqual([path, false]);
      }
    });
  });

  describe('9. suspending, rejecting or deactivating ends the sessions at once', () => {
    beforeEach(() => resetAddressLimits());

    it('a signed-in expert who is suspended gets 401 (API) and the login page (pages) on the next request', async () => {
      const victim = await createExpert(t.app, t.url, t.dataSource, { territoryId: fx.territories[0].id });
      const { cookie } = await cookieLogin(victim.email);
      expect((await api.get('/api/v1/me/assignments', { token: victim.token })).status).toBe(200);
      expect((await api.get('/expert/assignments', { cookie, headers: { accept: 'text/html' } })).status).toBe(200);
      const suspended = await api.post(`/api/v1/experts/${victim.id}/suspend`, { reason: 'Проверка' }, { token: organizer.token });
      expect(suspended.status).toBe(200);
      expect((await api.get('/api/v1/me/assignments', { token: victim.token })).status).toBe(401);
      const page = await api.get('/expert/assignments', { cookie, headers: { accept: 'text/html' } });
      expect([page.status, page.headers.get('location')]).toEqual([303, `/login?next=${encodeURIComponent('/expert/assignments')}`]);
      // and cannot sign in again
      expect((await api.post('/api/v1/auth/login', { email: victim.email, password: TEST_PASSWORD })).status).toBe(401);
    });

    it('a rejected applicant’s sessions end too (page action)', async () => {
      const applicant = await createExpert(t.app, t.url, t.dataSource, { territoryId: fx.territories[0].id, status: 'applied' });
      const org = await cookieLogin(organizer.email);
      const res = await api.request('POST', `/organizer/experts/${applicant.id}/reject`, {
        cookie: org.cookie,
        // a rejection is made only with its confirmation (issue 14)
        form: { _csrf: org.csrf, reason: 'Мало опыта', confirm: 'yes' },
      });
      expect(res.status).toBe(303);
      expect((await api.get('/api/v1/me/assignments', { token: applicant.token })).status).toBe(401);
    });
  });
});
