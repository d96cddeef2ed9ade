import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Role } from '../../src/accounts/entities/user.entity';
import { createExpert, TestExpert } from '../factories/expertise.factory';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { startApp, startWorker, TestApp, waitFor } from '../setup/app';
import { client } from '../setup/http';
import { ReceivedMail, startSmtp, TestSmtp } from '../setup/smtp';
import { isPage, registeredRoutes, RouteInfo } from '../setup/routes';
import { proposalIdOf, RealIds, realUrl } from './routes';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const APP_URL = 'http://platform.test';
/** What a leaked internal error looks like: stack frames, source paths, SQL and driver messages. */
const INTERNALS =
  /\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+|node_modules|QueryFailedError|TypeError|ReferenceError|invalid input syntax|invalid byte sequence|\bSELECT |\bINSERT INTO|\bUPDATE \w+ SET|relation "|column "/;

/*
 * Issue 7: CSRF on every cookie-authenticated unsafe route, open redirects, Host header in emails, login throttling,
 * single-use expiring tokens, no internals in error bodies. The suite has its own database (every test file does: suite-database.ts), so
 * "nothing changed" can be checked over whole tables and the throttle and mail do not touch other suites.
 */
describe('security: CSRF, redirects, Host header, throttling, tokens, error bodies', () => {
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

  beforeAll(async () => {
    smtp = await startSmtp();
    process.env.SMTP_URL = smtp.url;
    t = await startApp();
    worker = await startWorker();
    api = client(t.url);
    fx = await buildResultsCampaign(t.dataSource, { status: 'expertise', responses: 4, experts: 1, seed: 3 });
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
    const [{ id: organizationId }] = await t.dataSource.query(`SELECT id FROM organizations ORDER BY name LIMIT 1`);
    ids = {
      campaignId: fx.campaignId,
      slug: fx.slug,
      documentId: fx.documents[0].id,
      questionId: fx.questions[1].id,
      responseId: fx.responses[0].id,
      assignmentId,
      expertId: fx.experts[0].id,
      reportId,
      organizationId,
      userId: organizer.id,
      territoryId: fx.territories[0].id,
      proposalId: await proposalIdOf(t.dataSource, fx.campaignId),
    };
    routes = registeredRoutes(t);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
    await smtp.close();
  });

  async function cookieLogin(email: string, password = TEST_PASSWORD): Promise<{ cookie: string; csrf: string }> {
    const res = await api.request('POST', '/login', { form: { email, password } });
    expect(res.status).toBe(303);
    const cookie = String(res.headers.get('set-cookie')).split(';')[0];
    const page = await api.get('/login?next=/', { cookie });
    // a logged-in visit to /login redirects; the CSRF token is on any page with a form
    const home = await api.get(page.headers.get('location') ?? '/', { cookie, headers: { accept: 'text/html' } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.text)?.[1] ?? '';
    return { cookie, csrf };
  }

  async function fingerprint(): Promise<unknown> {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM audit_log) AS audit, (SELECT count(*) FROM outbox) AS outbox,
              (SELECT sum(row_version) FROM campaigns) AS campaigns, (SELECT count(*) FROM campaigns) AS campaign_count,
              (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM document_versions) AS versions,
              (SELECT count(*) FROM questions) AS questions, (SELECT count(*) FROM criteria) AS criteria,
              (SELECT count(*) FROM responses WHERE excluded) AS excluded, (SELECT sum(row_version) FROM assignments) AS assignments,
              (SELECT count(*) FROM assignments) AS assignment_count, (SELECT count(*) FROM reports) AS reports,
              (SELECT count(*) FROM organizations) AS organizations, (SELECT string_agg(status, ',' ORDER BY user_id) FROM expert_profiles) AS experts`,
    );
    return row;
  }

  it('every cookie-authenticated unsafe route refuses a missing or wrong CSRF token with 403, and nothing changes', async () => {
    const sessions = {
      organizer: await cookieLogin(organizer.email),
      admin: await cookieLogin(admin.email),
      expert: await cookieLogin(expert.email),
    };
    expect(sessions.organizer.csrf).toMatch(/^\S{16,}$/);
    const unsafe = routes.filter((r) => UNSAFE.has(r.method) && !r.isPublic);
    expect(unsafe.length).toBeGreaterThanOrEqual(50);
    // the only unsafe route that skips CSRF is the public login form
    expect(routes.filter((r) => r.skipCsrf).map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /login']));
    for (const r of routes.filter((x) => x.skipCsrf)) expect([r.path, r.isPublic]).toEqual([r.path, true]);

    const before = await fingerprint();
    const failures: string[] = [];
    for (const r of unsafe) {
      const who = !r.roles || r.roles.includes(Role.Organizer) ? 'organizer' : r.roles.includes(Role.Admin) ? 'admin' : 'expert';
      const { cookie } = sessions[who];
      const url = realUrl(r.path, ids);
      const attempts: { form?: Record<string, string>; body?: unknown; headers?: Record<string, string> }[] = isPage(r.path)
        ? [{ form: { reason: 'x', title: 'Подмена' } }, { form: { _csrf: 'forged-token', reason: 'x', title: 'Подмена' } }]
        : [{ body: { reason: 'x', title: 'Подмена' } }, { body: { reason: 'x' }, headers: { 'x-csrf-token': 'forged-token' } }];
      for (const [i, a] of attempts.entries()) {
        const res = await api.request(r.method, url, { cookie, ...a });
        if (res.status !== 403) failures.push(`${r.method} ${r.path} (${i ? 'wrong' : 'no'} token as ${who}): ${res.status}`);
        else if (!isPage(r.path))
          expect(res.body).toEqual({
            statusCode: 403,
            error: 'Forbidden',
            message: expect.stringContaining('Форма устарела'),
            code: 'CSRF_INVALID',
          });
      }
    }
    console.log(`CSRF: ${unsafe.length} cookie-authenticated unsafe routes × 2 (no token, wrong token) refused`);
    expect(failures).toEqual([]);
    expect(await fingerprint()).toEqual(before);
    // the sessions survived (logout without a token did not log anyone out), and the right token works
    const ok = await api.request('POST', '/logout', { cookie: sessions.expert.cookie, form: { _csrf: sessions.expert.csrf } });
    expect([ok.status, ok.headers.get('location')]).toEqual([303, '/']);
    expect((await api.get('/expert/assignments', { cookie: sessions.expert.cookie, headers: { accept: 'text/html' } })).status).toBe(303);
  });

  it('open redirects are refused: next= stays on this site (form, login POST, already logged in)', async () => {
    const { cookie } = await cookieLogin(organizer.email);
    for (const next of [
      '//evil.example',
      'https://evil.example',
      '/\\evil.example',
      '/\\/evil.example',
      'javascript:alert(1)',
      ' //evil.example',
      '/\n//evil.example',
      '/\t/evil.example',
    ]) {
      const form = await api.get(`/login?next=${encodeURIComponent(next)}`, { headers: { accept: 'text/html' } });
      expect(form.status).toBe(200);
      expect(form.text).toContain('<input type="hidden" name="next" value="">');
      const logged = await api.get(`/login?next=${encodeURIComponent(next)}`, { cookie, headers: { accept: 'text/html' } });
      expect([next, logged.status, logged.headers.get('location')]).toEqual([next, 303, '/organizer/campaigns']);
      const post = await api.request('POST', '/login', { form: { email: organizer.email, password: TEST_PASSWORD, next } });
      expect([next, post.status, post.headers.get('location')]).toEqual([next, 303, '/organizer/campaigns']);
    }
    const local = await api.request('POST', '/login', {
      form: { email: organizer.email, password: TEST_PASSWORD, next: '/organizer/experts' },
    });
    expect(local.headers.get('location')).toBe('/organizer/experts');
    // an anonymous visit to a protected page goes to the login with a local next only
    const anon = await api.get(`/organizer/campaigns/${fx.campaignId}`, { headers: { accept: 'text/html' } });
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toMatch(/^\/login(\?|$)/);
  });

  it('links in emails use APP_URL even when the request came with Host / X-Forwarded-Host: evil.example', async () => {
    const [{ code }] = await t.dataSource.query(`SELECT code FROM directions ORDER BY sort_order LIMIT 1`);
    const email = `host-${randomUUID().slice(0, 8)}@example.org`;
    const application = {
      email,
      password: 'long-enough-password',
      fullName: 'Проверка Хоста',
      territoryId: fx.territories[0].id,
      organizationName: 'Школа',
      position: 'Учитель',
      competences: [code],
      consent: true,
    };
    const res = await rawRequest('POST', '/api/v1/experts/applications', application);
    expect(res.status).toBe(201);
    const reset = await rawRequest('POST', '/api/v1/auth/password-reset', { email });
    expect(reset.status).toBe(202);
    const mails = await waitForMail(email, 2);
    for (const m of mails) {
      expect(m.html).not.toContain('evil.example');
      expect(m.text).not.toContain('evil.example');
      // Handlebars writes "=" as &#x3D; in attributes, which the browser decodes back
      expect(m.html).toMatch(new RegExp(`href="${APP_URL}/(experts/confirm|password-reset)\\?token(=|&#x3D;)[\\w-]+"`));
      expect(m.text).toMatch(new RegExp(`${APP_URL}/(experts/confirm|password-reset)\\?token=[\\w-]+`));
    }
  });

  it('email confirmation tokens are single-use and expire', async () => {
    const applicant = async () => {
      const [{ code }] = await t.dataSource.query(`SELECT code FROM directions ORDER BY sort_order LIMIT 1`);
      const email = `conf-${randomUUID().slice(0, 8)}@example.org`;
      const res = await api.post('/api/v1/experts/applications', {
        consent: true,
        email,
        password: 'long-enough-password',
        fullName: 'Токен Проверка',
        territoryId: fx.territories[0].id,
        organizationName: 'Школа',
        position: 'Учитель',
        competences: [code],
      });
      expect(res.status).toBe(201);
      const [mail] = await waitForMail(email, 1);
      return { email, path: /\/experts\/confirm\?token=[\w-]+/.exec(mail.text)![0] };
    };
    const first = await applicant();
    expect((await api.get(first.path, { headers: { accept: 'text/html' } })).status).toBe(200);
    expect((await api.get(first.path, { headers: { accept: 'text/html' } })).status).toBe(410);
    const second = await applicant();
    await t.dataSource.query(
      `UPDATE user_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
      [second.email],
    );
    expect((await api.get(second.path, { headers: { accept: 'text/html' } })).status).toBe(410);
    const [{ confirmed }] = await t.dataSource.query(`SELECT email_confirmed_at IS NOT NULL AS confirmed FROM users WHERE email = $1`, [
      second.email,
    ]);
    expect(confirmed).toBe(false);
    expect((await api.get('/experts/confirm?token=not-a-real-token', { headers: { accept: 'text/html' } })).status).toBe(404);
  });

  it('password reset: always 202; a single-use token valid one hour; old sessions end; pages work without JavaScript', async () => {
    const user = await createUser(t.app, t.url, Role.Organizer);
    const mailsBefore = await t.dataSource.query(`SELECT count(*)::int AS n FROM mail_messages`);
    const unknown = await api.post('/api/v1/auth/password-reset', { email: 'nobody-here@example.org' });
    expect([unknown.status, unknown.body]).toEqual([202, { status: 'accepted' }]);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM mail_messages`)).toEqual(mailsBefore);
    expect((await api.post('/api/v1/auth/password-reset', { email: 42 })).status).toBe(400);

    expect((await api.post('/api/v1/auth/password-reset', { email: user.email.toUpperCase() })).status).toBe(202);
    const [mail] = await waitForMail(user.email, 1);
    expect(mail.subject).toBe('Смена пароля');
    const token = /password-reset\?token=([\w-]+)/.exec(mail.text)![1];
    const page = await api.get(`/password-reset?token=${token}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<input type="hidden" name="token" value="${token}">`);
    const short = await api.post('/api/v1/auth/password-reset/confirm', { token, password: 'short' });
    expect([short.status, short.body.message]).toEqual([400, ['password: пароль должен быть от 8 до 200 символов']]);

    const done = await api.request('POST', '/password-reset', { form: { token, password: 'a-brand-new-password' } });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Пароль изменён');
    // the old token of the API session is gone, the new password works, the old one does not
    expect((await api.get('/api/v1/campaigns', { token: user.token })).status).toBe(401);
    expect((await api.post('/api/v1/auth/login', { email: user.email, password: 'a-brand-new-password' })).status).toBe(200);
    expect((await api.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(401);
    // single use
    const again = await api.post('/api/v1/auth/password-reset/confirm', { token, password: 'yet-another-password' });
    expect([again.status, again.body.message]).toEqual([400, ['token: ссылка для смены пароля уже использована']]);
    // expiring
    expect((await api.post('/api/v1/auth/password-reset', { email: user.email })).status).toBe(202);
    const mails = await waitForMail(user.email, 2);
    const token2 = /password-reset\?token=([\w-]+)/.exec(mails[1].text)![1];
    const [{ hours }] = await t.dataSource.query(
      `SELECT round(extract(epoch FROM expires_at - created_at) / 3600)::int AS hours FROM user_tokens
        WHERE kind = 'password_reset' AND used_at IS NULL AND user_id = $1`,
      [user.id],
    );
    expect(hours).toBe(1);
    await t.dataSource.query(
      `UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND kind = 'password_reset'`,
      [user.id],
    );
    const expired = await api.post('/api/v1/auth/password-reset/confirm', { token: token2, password: 'yet-another-password' });
    expect([expired.status, expired.body.message]).toEqual([400, ['token: срок действия ссылки для смены пароля истёк']]);
    const expiredPage = await api.request('POST', '/password-reset', { form: { token: token2, password: 'yet-another-password' } });
    expect(expiredPage.status).toBe(400);
    expect(expiredPage.text).toContain('срок действия ссылки для смены пароля истёк');
    const unknownToken = await api.post('/api/v1/auth/password-reset/confirm', { token: 'nope', password: 'yet-another-password' });
    expect(unknownToken.body.message).toEqual(['token: ссылка для смены пароля недействительна']);
    expect((await api.post('/api/v1/auth/login', { email: user.email, password: 'yet-another-password' })).status).toBe(401);
  });

  it('no stack traces, SQL or internal messages in any error body (malformed ids and queries on every route, a DB failure)', async () => {
    const leaks: string[] = [];
    const fives: string[] = [];
    const bad = ["not-a-uuid'--", '1e400', '%00', '..%2F..%2Fetc%2Fpasswd'];
    for (const r of routes) {
      const token =
        !r.roles || r.roles.includes(Role.Admin) ? admin.token : r.roles.includes(Role.Organizer) ? organizer.token : expert.token;
      for (const value of bad) {
        const url = r.path.replace(/:([A-Za-z]+)/g, value) + '?limit=1e400&offset=-1&status=%3Cx%3E&page=NaN';
        const headers: Record<string, string> = isPage(r.path) ? { accept: 'text/html' } : {};
        const res = await api.request(r.method, url, {
          token,
          headers,
          ...(UNSAFE.has(r.method) && !isPage(r.path) ? { body: '{"a":' } : {}),
        });
        if (res.status >= 500) fives.push(`${r.method} ${url}: ${res.status}`);
        if (res.status >= 400 && INTERNALS.test(res.text)) leaks.push(`${r.method} ${url}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(fives).toEqual([]);
    expect(leaks).toEqual([]);
    // a real database failure: the API and the page say only that something went wrong
    await t.dataSource.query(`ALTER TABLE campaigns RENAME COLUMN title TO title_broken`);
    try {
      const apiRes = await api.get('/api/v1/campaigns', { token: organizer.token });
      expect(apiRes.status).toBe(500);
      expect(Object.keys(apiRes.body).sort()).toEqual(['code', 'error', 'message', 'statusCode']);
      expect(apiRes.text).not.toMatch(INTERNALS);
      expect(apiRes.text).not.toContain('title_broken');
      const pageRes = await api.get('/organizer/campaigns', { token: organizer.token, headers: { accept: 'text/html' } });
      expect(pageRes.status).toBe(500);
      expect(pageRes.text).not.toMatch(INTERNALS);
      expect(pageRes.text).not.toContain('title_broken');
    } finally {
      await t.dataSource.query(`ALTER TABLE campaigns RENAME COLUMN title_broken TO title`);
    }
  });

  it('login is throttled per account (any spelling of the address) and per address: 429 after the limit', async () => {
    const user = await createUser(t.app, t.url, Role.Expert);
    const spellings = [user.email, user.email.toUpperCase(), ` ${user.email}`, `${user.email} `, user.email];
    for (const email of spellings) expect((await api.post('/api/v1/auth/login', { email, password: 'wrong-password' })).status).toBe(401);
    const blocked = await api.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('Слишком много'),
      code: 'RATE_LIMITED',
    });
    const page = await api.request('POST', '/login', { form: { email: user.email, password: TEST_PASSWORD } });
    expect(page.status).toBe(429);
    // per address: 30 failures over different accounts from one address block even a right password of another account
    // (earlier tests of this suite failed a few logins from this address too, so count until the first refusal)
    const other = await createUser(t.app, t.url, Role.Organizer);
    let tries = 0;
    for (; tries < 30; tries++) {
      const res = await api.post('/api/v1/auth/login', { email: `nobody-${tries}@example.org`, password: 'wrong-password' });
      if (res.status === 429) break;
      expect(res.status).toBe(401);
    }
    expect(tries).toBeGreaterThanOrEqual(30 - 5 - 8);
    expect(tries).toBeLessThan(30 - 5);
    expect((await api.post('/api/v1/auth/login', { email: other.email, password: TEST_PASSWORD })).status).toBe(429);
  });

  function rawRequest(method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
    const u = new URL(t.url);
    const data = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: u.hostname,
          port: u.port,
          method,
          path,
          headers: {
            host: 'evil.example',
            'x-forwarded-host': 'evil.example',
            'x-forwarded-proto': 'https',
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(data),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }

  async function waitForMail(to: string, count: number): Promise<ReceivedMail[]> {
    return waitFor(
      async () => {
        const found = smtp.messages.filter((m) => m.to.includes(to));
        return found.length >= count ? found : null;
      },
      30_000,
      `${count} mail(s) to ${to}`,
    );
  }
});
