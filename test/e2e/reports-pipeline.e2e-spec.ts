import type { INestApplicationContext } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { Role } from '../../src/accounts/entities/user.entity';
import { UsersService } from '../../src/accounts/users.service';
import { OutboxService } from '../../src/queue/outbox.service';
import { JobName } from '../../src/queue/queue-registry';
import { buildResultsCampaign } from '../factories/results.factory';
import { waitFor } from '../setup/app';
import { MailWorker, startMailWorker } from '../setup/mail-worker';
import { TestSmtp } from '../setup/smtp';

describe('stage closed → aggregation → final reports → email with the PDF, through a real worker and SMTP server', () => {
  let smtp: TestSmtp;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let suite: MailWorker;

  beforeAll(async () => {
    suite = await startMailWorker();
    ({ smtp, worker, ds } = suite);
  });
  afterAll(() => suite.close());

  it('emails the final discussion report once to each organizer and extra recipient, PDF attached and XLSX linked', async () => {
    const organizerEmail = `org-${Date.now()}@example.org`;
    await worker
      .get(UsersService)
      .create({ email: organizerEmail, password: 'correct-horse-battery', role: Role.Organizer, fullName: 'Организатор' });
    const fx = await buildResultsCampaign(ds, { status: 'revision', responses: 33, seed: 99, reportRecipients: ['Ministry@Example.org'] });
    const outbox = worker.get(OutboxService);
    // the lifecycle enqueues this in the transition's transaction; a duplicate delivery must change nothing
    await outbox.enqueue(null, JobName.StageClosed, { campaignId: fx.campaignId, stage: 'discussion' });
    await outbox.enqueue(null, JobName.StageClosed, { campaignId: fx.campaignId, stage: 'discussion' });

    const mine = () => smtp.messages.filter((m) => m.to.includes(organizerEmail) || m.to.includes('ministry@example.org'));
    await waitFor(async () => mine().length >= 2, 90_000, 'two report emails');
    // let every duplicate job finish before counting
    await waitFor(
      async () => {
        const [row] = await ds.query(
          `SELECT count(*) FILTER (WHERE completed_at IS NULL)::int AS pending FROM outbox
          WHERE payload->>'campaignId' = $1::text OR payload->>'reportId' IN (SELECT id::text FROM reports WHERE campaign_id = $1::uuid)`,
          [fx.campaignId],
        );
        return row.pending === 0;
      },
      60_000,
      'pipeline jobs done',
    );

    const reports = await ds.query(
      `SELECT id, kind, format, status, final_stage, email_on_ready FROM reports WHERE campaign_id = $1 ORDER BY format`,
      [fx.campaignId],
    );
    expect(reports.map((r: Record<string, unknown>) => [r.kind, r.format, r.status, r.final_stage, r.email_on_ready])).toEqual([
      ['discussion', 'pdf', 'ready', 'discussion', true],
      ['discussion', 'xlsx', 'ready', 'discussion', false],
    ]);
    const xlsxId = reports[1].id;
    const mails = await waitFor(
      async () => {
        const rows = await ds.query(
          `SELECT lower(to_address) AS to, status FROM mail_messages WHERE campaign_id = $1 AND template = 'report-final' ORDER BY 1`,
          [fx.campaignId],
        );
        return rows.every((r: { status: string }) => r.status === 'sent') ? rows : null;
      },
      30_000,
      'mail rows sent',
    );
    expect(mails.filter((m: { to: string }) => [organizerEmail, 'ministry@example.org'].includes(m.to))).toEqual([
      { to: 'ministry@example.org', status: 'sent' },
      { to: organizerEmail, status: 'sent' },
    ]);
    expect(mine()).toHaveLength(2);

    const respondents = fx.responses.filter((r) => !r.excluded).length;
    for (const mail of mine()) {
      expect(mail.subject).toBe(`Итоги обсуждения: ${fx.title}`);
      expect(mail.text).toContain(`Респондентов: ${respondents}`);
      expect(mail.text).toContain(`http://platform.test/organizer/reports/${xlsxId}/file`);
      expect(mail.html).toContain('&lt;b&gt;жирно&lt;/b&gt;');
      expect(mail.attachments).toHaveLength(1);
      const [pdf] = mail.attachments;
      expect(pdf.mimeType).toBe('application/pdf');
      expect(pdf.filename).toMatch(new RegExp(`^obsuzhdenie-${fx.slug}-\\d{4}-\\d{2}-\\d{2}\\.pdf$`));
      expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');
      const file = join(tmpdir(), `report-${fx.campaignId}.pdf`);
      writeFileSync(file, pdf.content);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
      expect(text).toContain('Итоги профессионально-общественного обсуждения');
      expect(text).toMatch(new RegExp(`Респондентов:\\s+${respondents}`));
    }
    const [snapshots] = await ds.query(`SELECT count(*)::int AS n FROM results_snapshots WHERE campaign_id = $1`, [fx.campaignId]);
    expect(snapshots.n).toBeGreaterThanOrEqual(1);
  });
});
