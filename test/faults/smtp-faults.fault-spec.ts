/**
 * (e) The SMTP server refuses temporarily (451), refuses permanently (550), hangs, or is absent. Temporary failures
 * and timeouts are retried with exponential backoff until delivered; a 5xx is not retried; the last failed attempt
 * marks the email failed; failed emails are listed on the organizer's results page. Nothing is silently dropped.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { startSmtp, TestSmtp } from '../setup/smtp';
import { recordFigure } from './lib/figures';
import { AppProcess, freePort, processEnv, sleep, step, waitUntil, WorkerProcess } from './lib/processes';
import { connect, createOrganizer, loadCampaign, login, queueMail } from './lib/scenario';

describe('(e) SMTP refusing, hanging, absent', () => {
  let ds: DataSource;
  let smtp: TestSmtp;
  let env: Record<string, string>;
  let app: AppProcess;
  let worker: WorkerProcess;
  const tag = randomBytes(3).toString('hex');

  beforeAll(async () => {
    ds = await connect();
    smtp = await startSmtp();
    env = processEnv({ SMTP_URL: smtp.url, QUEUE_BACKOFF_MS: '200', SMTP_CONNECT_TIMEOUT_MS: '1000', SMTP_SOCKET_TIMEOUT_MS: '1000' });
    [app, worker] = await Promise.all([AppProcess.create(env), WorkerProcess.create(env)]);
  });

  afterAll(async () => {
    await worker?.kill();
    await app?.kill();
    await smtp?.close();
    await ds?.destroy();
  });

  it('retries 4xx, timeouts and absence with backoff, fails 5xx at once, and shows failures to organizers', async () => {
    const campaign = await loadCampaign(ds, { status: 'revision' });
    const organizer = await createOrganizer(ds);
    const row = async (id: string) =>
      (await ds.query(`SELECT status, attempts, last_error FROM mail_messages WHERE id = $1`, [id]))[0] as {
        status: string;
        attempts: number;
        last_error: string | null;
      };
    const until = (id: string, status: string, ms = 60_000) =>
      waitUntil(async () => (await row(id)).status === status, ms, `${id} ${status}`).catch(async (err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(await row(id))}\n${worker.tail()}`);
      });
    const received = (to: string) => smtp.messages.filter((m) => m.to.includes(to)).length;
    const to = (label: string) => `${label}-${tag}@example.org`;

    step('(e) 451 three times');
    smtp.failNext(3, 451);
    const temporary = await queueMail(ds, to('temporary'), campaign.id);
    await until(temporary, 'sent');

    step('(e) 550');
    smtp.failNext(1, 550);
    const permanent = await queueMail(ds, to('permanent'), campaign.id);
    await until(permanent, 'failed');
    await sleep(3_000); // longer than the first retries' backoff (0.2 + 0.4 + 0.8 + 1.6 s): a retry would show now

    step('(e) hanging server');
    smtp.hangNext(1);
    const hanging = await queueMail(ds, to('hanging'), campaign.id);
    await until(hanging, 'sent');

    step('(e) absent server until the last attempt');
    const absentUrl = `smtp://127.0.0.1:${await freePort()}`;
    await worker.kill();
    worker = await WorkerProcess.create({ ...env, SMTP_URL: absentUrl }, 'worker-no-smtp');
    const absent = await queueMail(ds, to('absent'), campaign.id);
    await until(absent, 'failed', 120_000);

    step('(e) absent server, then back');
    const comesBack = await queueMail(ds, to('comes-back'), campaign.id);
    await waitUntil(async () => (await row(comesBack)).attempts >= 2, 60_000, 'two failed attempts');
    await worker.kill();
    worker = await WorkerProcess.create(env, 'worker');
    await until(comesBack, 'sent', 120_000);

    const token = await login(app.url, organizer.email);
    const page = await fetch(`${app.url}/organizer/campaigns/${campaign.id}/results`, {
      headers: { cookie: `sid=${token}`, accept: 'text/html' },
    });
    const html = await page.text();

    const rows = {
      temporary: await row(temporary),
      permanent: await row(permanent),
      hanging: await row(hanging),
      absent: await row(absent),
      comesBack: await row(comesBack),
    };
    const labels = ['temporary', 'permanent', 'hanging', 'absent', 'comes-back'];
    const dropped = Object.values(rows).filter((r) => r.status !== 'sent' && r.status !== 'failed').length;
    recordFigure({
      scenario: '(e) SMTP refusing, hanging, absent',
      load: '5 emails',
      faults: '451 ×3; 550; no reply (1 s timeout); nothing listening (to the last attempt; then back)',
      acknowledged: 5,
      lost: dropped,
      duplicated: labels.reduce((n, l) => n + Math.max(0, received(to(l)) - 1), 0),
      notes: `attempts: 451→${rows.temporary.attempts} (sent), 550→${rows.permanent.attempts} (failed), hang→${rows.hanging.attempts} (sent), absent→${rows.absent.attempts} (failed), absent then back→${rows.comesBack.attempts} (sent); 2 failures listed on the organizer page`,
    });

    expect(rows.temporary).toEqual({ status: 'sent', attempts: 4, last_error: null });
    expect(rows.permanent.status).toBe('failed');
    expect(rows.permanent.attempts).toBe(1);
    expect(rows.permanent.last_error).toContain('550');
    expect(rows.hanging).toEqual({ status: 'sent', attempts: 2, last_error: null });
    expect(rows.absent.status).toBe('failed');
    expect(rows.absent.attempts).toBe(8);
    expect(rows.absent.last_error).toMatch(/ECONNREFUSED|connect/i);
    expect(rows.comesBack.status).toBe('sent');
    expect(rows.comesBack.attempts).toBeGreaterThanOrEqual(3);
    expect(labels.map((l) => received(to(l)))).toEqual([1, 0, 1, 0, 1]);
    expect(page.status).toBe(200);
    expect(html).toContain(to('permanent'));
    expect(html).toContain(to('absent'));
    expect(html).not.toContain(to('temporary'));
    expect(html).not.toContain(to('comes-back'));
  });
});
