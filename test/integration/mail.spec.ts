import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { MailService } from '../../src/mail/mail.service';
import { waitFor } from '../setup/app';
import { MailWorker, startMailWorker } from '../setup/mail-worker';
import { TestSmtp } from '../setup/smtp';

describe('mail through the outbox, Bull and a real SMTP server', () => {
  let smtp: TestSmtp;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let suite: MailWorker;

  beforeAll(async () => {
    suite = await startMailWorker();
    ({ smtp, worker, ds } = suite);
  });
  afterAll(() => suite.close());

  it('delivers a queued message once, with HTML and text parts, escaping user text', async () => {
    const id = await worker
      .get(MailService)
      .queue(null, { to: 'teacher@example.org', template: 'test', context: { name: '<script>x</script> Иван' } });
    const [mail] = await smtp.waitForCount(1);
    expect(mail.to).toEqual(['teacher@example.org']);
    expect(mail.subject).toBe('Проверка почты: <script>x</script> Иван');
    expect(mail.html).toContain('Здравствуйте, &lt;script&gt;x&lt;/script&gt; Иван!');
    expect(mail.html).toContain('href="http://platform.test/"');
    expect(mail.text).toContain('Это проверочное письмо платформы: http://platform.test/');
    const row = await waitFor(async () => {
      const [r] = await ds.query(`SELECT status, attempts FROM mail_messages WHERE id = $1`, [id]);
      return r.status === 'sent' ? r : null;
    });
    expect(row).toEqual({ status: 'sent', attempts: 1 });
    // the outbox row is completed when the Bull job finishes, a moment after the handler marked the mail sent:
    // wait for that state rather than reading it at once (it raced the worker)
    const outbox = await waitFor(async () => {
      const [r] = await ds.query(
        `SELECT dispatched_at IS NOT NULL AS d, completed_at IS NOT NULL AS c FROM outbox WHERE payload->>'mailId' = $1`,
        [id],
      );
      return r?.c ? r : null;
    }, 20_000, 'the outbox row of the mail to be completed');
    expect(outbox).toEqual({ d: true, c: true });
    // and the message went out once, however long the job took to close
    expect(smtp.messages.filter((m) => m.to.includes('teacher@example.org'))).toHaveLength(1);
  });

  it('a permanent refusal (550) is not retried and stays visible as failed', async () => {
    smtp.failNext(1, 550);
    const before = smtp.messages.length;
    const id = await worker.get(MailService).queue(null, { to: 'nobody@example.org', template: 'test', context: { name: 'X' } });
    const row = await waitFor(async () => {
      const [r] = await ds.query(`SELECT status, attempts, last_error FROM mail_messages WHERE id = $1`, [id]);
      return r.status === 'failed' ? r : null;
    });
    expect(row.attempts).toBe(1);
    expect(row.last_error).toContain('550');
    expect(smtp.messages.length).toBe(before);
  });
});
