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
    const [outbox] = await ds.query(
      `SELECT dispatched_at IS NOT NULL AS d, completed_at IS NOT NULL AS c FROM outbox WHERE payload->>'mailId' = $1`,
      [id],
    );
    expect(outbox).toEqual({ d: true, c: true });
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
