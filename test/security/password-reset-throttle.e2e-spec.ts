import type { INestApplicationContext } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { Role } from '../../src/accounts/entities/user.entity';
import { PASSWORD_RESET_REQUESTS } from '../../src/accounts/account-throttle.service';
import { createUser } from '../factories/users.factory';
import { startApp, startWorker, TestApp, waitFor } from '../setup/app';
import { startSmtp, TestSmtp } from '../setup/smtp';

interface Reply {
  status: number;
  contentType: string;
  text: string;
}

const LIMITED = 'Слишком много запросов, попробуйте позже';
const { maxPerAccount, maxPerAddress } = PASSWORD_RESET_REQUESTS;

/*
 * Issue 7 gap: "forgot password" requests are limited per address asked for (normalised like the login throttle) and
 * per client address, with real Redis counters and mail through the worker to a real SMTP server. Each test sends from
 * its own loopback address (127.0.0.x), so the per-client limit of one test does not touch the others.
 */
describe('password reset requests are rate limited without revealing accounts', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let smtp: TestSmtp;

  beforeAll(async () => {
    smtp = await startSmtp();
    process.env.SMTP_URL = smtp.url;
    t = await startApp();
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
    await smtp.close();
  });

  /** A request from a chosen loopback address: the app sees it as another client. */
  function send(from: string, path: string, body: { json?: unknown; form?: Record<string, string> }): Promise<Reply> {
    const u = new URL(t.url);
    const data = body.form ? new URLSearchParams(body.form).toString() : JSON.stringify(body.json);
    const headers = body.form
      ? { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }
      : { 'content-type': 'application/json', accept: 'application/json' };
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: u.hostname,
          port: u.port,
          localAddress: from,
          method: 'POST',
          path,
          headers: { ...headers, 'content-length': Buffer.byteLength(data) },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), text }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }
  const apiReset = (from: string, email: string) => send(from, '/api/v1/auth/password-reset', { json: { email } });
  const pageReset = (from: string, email: string) => send(from, '/password-reset', { form: { email } });

  /** Waits until the outbox and every queued mail row are done, then the mails the SMTP server got for `to`. */
  async function settledMailsTo(to: string): Promise<{ rows: number; received: number }> {
    await waitFor(
      async () => {
        const [row] = await t.dataSource.query(
          `SELECT (SELECT count(*) FROM mail_messages WHERE status <> 'sent')::int AS unsent,
                  (SELECT count(*) FROM outbox WHERE completed_at IS NULL)::int AS pending`,
        );
        return row.unsent === 0 && row.pending === 0;
      },
      30_000,
      'mail settled',
    );
    const [{ rows }] = await t.dataSource.query(`SELECT count(*)::int AS rows FROM mail_messages WHERE to_address = $1`, [to]);
    return { rows, received: smtp.messages.filter((m) => m.to.includes(to)).length };
  }

  it(`${maxPerAccount + 2} requests for one account (any spelling, API and page) send ${maxPerAccount} emails; every answer is the same`, async () => {
    const user = await createUser(t.app, t.url, Role.Organizer);
    const spellings = [user.email, user.email.toUpperCase(), ` ${user.email}`, `${user.email} `, user.email];
    expect(spellings.length).toBe(maxPerAccount + 2);
    const answers: Reply[] = [];
    for (const [i, email] of spellings.entries())
      answers.push(i % 2 ? await pageReset('127.0.0.2', email) : await apiReset('127.0.0.2', email));
    expect(answers.map((a) => a.status)).toEqual([202, 200, 202, 200, 202]);
    for (const a of answers.filter((_, i) => i % 2 === 0)) expect(JSON.parse(a.text)).toEqual({ status: 'accepted' });
    for (const a of answers.filter((_, i) => i % 2 === 1)) {
      expect(a.text).toContain('Если такой адрес зарегистрирован, на него отправлена ссылка для смены пароля.');
    }
    expect(await settledMailsTo(user.email)).toEqual({ rows: maxPerAccount, received: maxPerAccount });
    // only the newest link works: each new email replaced the previous link
    const [{ live }] = await t.dataSource.query(
      `SELECT count(*)::int AS live FROM user_tokens WHERE user_id = $1 AND kind = 'password_reset' AND used_at IS NULL`,
      [user.id],
    );
    expect(live).toBe(1);
    // another account asked for from the same client still gets its email
    const other = await createUser(t.app, t.url, Role.Expert);
    expect((await apiReset('127.0.0.2', other.email)).status).toBe(202);
    expect(await settledMailsTo(other.email)).toEqual({ rows: 1, received: 1 });
  });

  it('an existing and an unknown address get byte-for-byte the same answers, before and after the per-account limit', async () => {
    const user = await createUser(t.app, t.url, Role.Expert);
    const unknown = `nobody-${Date.now()}@example.org`;
    for (let i = 0; i < maxPerAccount + 2; i++) {
      const [known, absent] = [await apiReset('127.0.0.3', user.email), await apiReset('127.0.0.3', unknown)];
      expect([i, known.status, known.text]).toEqual([i, absent.status, absent.text]);
      expect(known.status).toBe(202);
      // the page shows the address typed back only on refusal, so the two pages are identical as they are
      const [knownPage, absentPage] = [await pageReset('127.0.0.4', user.email), await pageReset('127.0.0.4', unknown)];
      expect([i, knownPage.status, knownPage.text]).toEqual([i, absentPage.status, absentPage.text]);
      expect(knownPage.status).toBe(200);
    }
    expect(await settledMailsTo(user.email)).toEqual({ rows: maxPerAccount, received: maxPerAccount });
    expect(await settledMailsTo(unknown)).toEqual({ rows: 0, received: 0 });
  });

  it(`past ${maxPerAddress} requests from one client: 429 with the API error shape and a Russian page, whatever the address asked for`, async () => {
    const user = await createUser(t.app, t.url, Role.Organizer);
    for (let i = 0; i < maxPerAddress; i++) {
      expect([i, (await apiReset('127.0.0.5', `flood-${i}@example.org`)).status]).toEqual([i, 202]);
    }
    const [{ rows: before }] = await t.dataSource.query(`SELECT count(*)::int AS rows FROM mail_messages`);
    for (const email of [user.email, 'flood-new@example.org']) {
      const api = await apiReset('127.0.0.5', email);
      expect([api.status, api.contentType, JSON.parse(api.text)]).toEqual([
        429,
        'application/json; charset=utf-8',
        { statusCode: 429, error: 'Too Many Requests', message: LIMITED, code: 'RATE_LIMITED' },
      ]);
      const page = await pageReset('127.0.0.5', email);
      expect([page.status, page.contentType]).toEqual([429, 'text/html; charset=utf-8']);
      expect(page.text).toContain(`<p>${LIMITED}</p>`);
      // the form is shown again with the address typed
      expect(page.text).toContain(`name="email" value="${email}"`);
    }
    // nothing was queued for the refused requests, not even for the existing account
    expect(await t.dataSource.query(`SELECT count(*)::int AS rows FROM mail_messages`)).toEqual([{ rows: before }]);
    // another client is not affected
    expect((await apiReset('127.0.0.6', user.email)).status).toBe(202);
    expect(await settledMailsTo(user.email)).toEqual({ rows: 1, received: 1 });
  });
});
