import type { INestApplicationContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Role } from '../../src/accounts/entities/user.entity';
import { MailService } from '../../src/mail/mail.service';
import { createUser, TEST_PASSWORD } from '../factories/users.factory';
import { startApp, startWorker, TestApp, waitFor } from '../setup/app';
import { client } from '../setup/http';
import { startSmtp, TestSmtp } from '../setup/smtp';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const RESET_LINK = { kind: 'password_reset', ttlHours: 1, path: '/password-reset', param: 'resetPath' };

/*
 * Issue 7 gap: emailed tokens (password reset, expert email confirmation) used to sit in mail_messages.context, raw,
 * before and after sending. A message now names the link it carries (token_link) and the token is minted when it is
 * sent, so no table ever holds it. The first part runs without a worker and calls the delivery by hand, to stop
 * between attempts; the second goes through the outbox, Bull and the worker to a real SMTP server.
 */
describe('emailed tokens are minted at sending and never stored', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let api: ReturnType<typeof client>;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    smtp = await startSmtp();
    process.env.SMTP_URL = smtp.url;
    t = await startApp();
    api = client(t.url);
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
    await smtp.close();
  });

  /** How many rows of the tables a message passes through contain `secret` anywhere, as text. */
  async function rowsHolding(secret: string): Promise<number> {
    const [{ n }] = await t.dataSource.query(
      `SELECT (SELECT count(*) FROM mail_messages m WHERE strpos(m::text, $1) > 0)
            + (SELECT count(*) FROM outbox o WHERE strpos(o::text, $1) > 0)
            + (SELECT count(*) FROM user_tokens u WHERE strpos(u::text, $1) > 0) AS n`,
      [secret],
    );
    return Number(n);
  }
  const mailRow = async (id: string) =>
    (await t.dataSource.query(`SELECT status, attempts, context, token_link FROM mail_messages WHERE id = $1`, [id]))[0];
  const tokenOf = (text: string, path: string) => new RegExp(`http://platform\\.test${path}\\?token=([\\w-]+)`).exec(text)![1];

  it('without a worker: the queued row holds no token; each attempt (after a 451, after a crash past SMTP) mints a working link that replaces the last', async () => {
    const user = await createUser(t.app, t.url, Role.Organizer, 'Сброс Пароля');
    expect((await api.post('/api/v1/auth/password-reset', { email: user.email })).status).toBe(202);
    const [{ id }] = await t.dataSource.query(`SELECT id FROM mail_messages WHERE to_address = $1`, [user.email]);
    const stored = { context: { fullName: 'Сброс Пароля', ttlHours: 1 }, token_link: { ...RESET_LINK, userId: user.id } };
    expect(await mailRow(id)).toEqual({ status: 'queued', attempts: 0, ...stored });
    // nothing is minted before sending
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM user_tokens WHERE user_id = $1`, [user.id])).toEqual([{ n: 0 }]);

    const mail = t.app.get(MailService);
    smtp.failNext(1, 451);
    await expect(mail.deliver(id, false)).rejects.toThrow('451');
    expect(await mailRow(id)).toEqual({ status: 'queued', attempts: 1, ...stored });
    expect(await mail.deliver(id, false)).toBe('sent');
    // a worker that died after the SMTP server accepted leaves the row 'sending': the job's next run sends it again
    await t.dataSource.query(`UPDATE mail_messages SET status = 'sending' WHERE id = $1`, [id]);
    expect(await mail.deliver(id, false)).toBe('sent');

    const received = smtp.messages.filter((m) => m.to.includes(user.email));
    expect(received.map((m) => m.subject)).toEqual(['Смена пароля', 'Смена пароля']);
    const [first, second] = received.map((m) => tokenOf(m.text, '/password-reset'));
    expect(received[1].html).toContain(`href="http://platform.test/password-reset?token&#x3D;${second}"`);
    // one token per attempt (the one refused by the 451 never left the worker); only the newest is usable
    const tokens = await t.dataSource.query(
      `SELECT token_hash IN ($2, $3) AS emailed, used_at IS NULL AS usable FROM user_tokens WHERE user_id = $1 ORDER BY created_at`,
      [user.id, sha256(first), sha256(second)],
    );
    expect(tokens).toEqual([
      { emailed: false, usable: false },
      { emailed: true, usable: false },
      { emailed: true, usable: true },
    ]);
    // after sending, the row holds exactly what it held before: no token, no link
    expect(await mailRow(id)).toEqual({ status: 'sent', attempts: 3, ...stored });
    expect([await rowsHolding(first), await rowsHolding(second)]).toEqual([0, 0]);

    const old = await api.post('/api/v1/auth/password-reset/confirm', { token: first, password: 'a-new-long-password' });
    expect([old.status, old.body.message]).toEqual([400, ['token: ссылка для смены пароля уже использована']]);
    expect((await api.post('/api/v1/auth/password-reset/confirm', { token: second, password: 'a-new-long-password' })).status).toBe(204);
    expect((await api.post('/api/v1/auth/login', { email: user.email, password: 'a-new-long-password' })).status).toBe(200);
    expect((await api.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD })).status).toBe(401);
  });

  it('through the outbox and the worker: sent reset and confirmation rows hold exactly their context, and the links that arrived work', async () => {
    worker = await startWorker();
    const user = await createUser(t.app, t.url, Role.Expert, 'Через Воркер');
    expect((await api.post('/api/v1/auth/password-reset', { email: user.email })).status).toBe(202);
    const [{ id: territoryId }] = await t.dataSource.query(`SELECT id FROM territories ORDER BY name LIMIT 1`);
    const applicant = `applicant-${Date.now().toString(36)}@example.org`;
    const applied = await api.post('/api/v1/experts/applications', {
      consent: true,
      email: applicant,
      password: 'long-enough-password',
      fullName: 'Заявитель Реестра',
      territoryId,
      organizationName: 'Школа',
      position: 'Учитель',
      competences: ['knowledge'],
    });
    expect(applied.status).toBe(201);

    const arrived = (to: string) => waitFor(async () => smtp.messages.find((m) => m.to.includes(to)), 30_000, `mail to ${to}`);
    const resetToken = tokenOf((await arrived(user.email)).text, '/password-reset');
    const confirmToken = tokenOf((await arrived(applicant)).text, '/experts/confirm');
    const rows = await waitFor(async () => {
      const r = await t.dataSource.query(
        `SELECT to_address, template, status, context, token_link FROM mail_messages WHERE to_address = ANY($1::text[]) ORDER BY template`,
        [[user.email, applicant]],
      );
      return r.every((x: { status: string }) => x.status === 'sent') ? r : null;
    });
    expect(rows).toEqual([
      {
        to_address: applicant,
        template: 'expert-confirmation',
        status: 'sent',
        context: { fullName: 'Заявитель Реестра', ttlHours: 48 },
        token_link: { kind: 'email_confirmation', userId: applied.body.id, ttlHours: 48, path: '/experts/confirm', param: 'confirmPath' },
      },
      {
        to_address: user.email,
        template: 'password-reset',
        status: 'sent',
        context: { fullName: 'Через Воркер', ttlHours: 1 },
        token_link: { ...RESET_LINK, userId: user.id },
      },
    ]);
    expect([await rowsHolding(resetToken), await rowsHolding(confirmToken)]).toEqual([0, 0]);

    const confirmed = await api.get(`/experts/confirm?token=${confirmToken}`, { headers: { accept: 'text/html' } });
    expect([confirmed.status, confirmed.text.includes('Адрес подтверждён')]).toEqual([200, true]);
    expect((await api.post('/api/v1/auth/password-reset/confirm', { token: resetToken, password: 'another-long-password' })).status).toBe(
      204,
    );
    expect((await api.post('/api/v1/auth/login', { email: user.email, password: 'another-long-password' })).status).toBe(200);
  });
});
