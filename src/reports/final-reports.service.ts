import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app.config';
import { MailService } from '../mail/mail.service';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { ResultsService } from '../results/results.service';
import { Report } from './entities/report.entity';
import { ReportFormat, ReportKind, ReportStatus } from './report-status';

export const FINAL_REPORT_TEMPLATE = 'report-final';

/** The closed stage as the pipeline names it: discussion (→ revision) or expertise (→ completed). */
export function closedStage(stage: string): 'discussion' | 'expertise' {
  return stage === 'discussion' ? 'discussion' : 'expertise';
}

/**
 * When a stage closes: aggregate, then the final reports (PDF, emailed, and XLSX, linked), then one email per
 * recipient. Each step is idempotent: final reports are unique per (campaign, stage, format) in the database, and
 * the emails are queued once, under a lock on the final reports, after checking none was queued before.
 */
@Injectable()
export class FinalReportsService {
  private readonly logger = new Logger(FinalReportsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly results: ResultsService,
    private readonly outbox: OutboxService,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async onStageClosed(campaignId: string, stage: string): Promise<void> {
    const snapshot = await this.results.aggregate(campaignId);
    if (!snapshot) return;
    const finalStage = closedStage(stage);
    const kind = finalStage === 'discussion' ? ReportKind.Discussion : ReportKind.Full;
    await this.dataSource.transaction(async (m) => {
      for (const format of [ReportFormat.Pdf, ReportFormat.Xlsx]) {
        const inserted: { id: string }[] = await m.query(
          `INSERT INTO reports (campaign_id, kind, format, final_stage, email_on_ready, snapshot_id)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (campaign_id, final_stage, format) WHERE final_stage IS NOT NULL DO NOTHING RETURNING id`,
          [campaignId, kind, format, finalStage, format === ReportFormat.Pdf, snapshot.id],
        );
        for (const row of inserted) await this.outbox.enqueue(m, JobName.RenderReport, { reportId: row.id });
      }
    });
    this.logger.log({ campaignId, stage: finalStage }, 'final reports requested');
  }

  /** Called after any final report finishes: when the PDF is ready and the XLSX is done, email everyone once. */
  async emailWhenComplete(report: Report): Promise<number> {
    if (!report.finalStage) return 0;
    return this.dataSource.transaction(async (m) => {
      const reports = await m.getRepository(Report).find({
        where: { campaignId: report.campaignId, finalStage: report.finalStage! },
        lock: { mode: 'pessimistic_write' },
      });
      const pdf = reports.find((r) => r.format === ReportFormat.Pdf);
      const xlsx = reports.find((r) => r.format === ReportFormat.Xlsx);
      if (!pdf || pdf.status !== ReportStatus.Ready || !pdf.storageKey) return 0;
      // the XLSX is linked, not attached: wait for it unless it failed for good
      if (xlsx && xlsx.status !== ReportStatus.Ready && xlsx.status !== ReportStatus.Failed) return 0;
      const [campaign] = await m.query(`SELECT id, title, report_recipients FROM campaigns WHERE id = $1`, [report.campaignId]);
      if (!campaign) return 0;
      const organizers: { email: string }[] = await m.query(`SELECT email FROM users WHERE role = 'organizer' AND active ORDER BY email`);
      const recipients = [
        ...new Set([...organizers.map((o) => o.email), ...(campaign.report_recipients as string[])].map((e) => e.trim().toLowerCase())),
      ].filter(Boolean);
      const already: { to_address: string }[] = await m.query(
        `SELECT lower(to_address) AS to_address FROM mail_messages WHERE template = $1 AND context->>'reportId' = $2`,
        [FINAL_REPORT_TEMPLATE, pdf.id],
      );
      const sent = new Set(already.map((a) => a.to_address));
      const [snapshot] = await m.query(`SELECT data FROM results_snapshots WHERE id = $1`, [pdf.snapshotId]);
      const d = snapshot?.data?.discussion;
      const e = snapshot?.data?.expertise;
      let queued = 0;
      for (const to of recipients.filter((r) => !sent.has(r))) {
        await this.mail.queue(m, {
          to,
          template: FINAL_REPORT_TEMPLATE,
          campaignId: report.campaignId,
          context: {
            reportId: pdf.id,
            campaignTitle: campaign.title,
            stage: report.finalStage,
            discussionStage: report.finalStage === 'discussion',
            respondents: d?.respondents ?? 0,
            territoriesCovered: d?.territories?.covered ?? 0,
            territoriesTotal: d?.territories?.total ?? 0,
            territoriesPercent: d?.territories?.percent ?? 0,
            experts: e?.experts ?? 0,
            xlsxUrl: xlsx?.status === ReportStatus.Ready ? `${this.config.APP_URL}/organizer/reports/${xlsx.id}/file` : null,
            resultsUrl: `${this.config.APP_URL}/organizer/campaigns/${report.campaignId}/results`,
          },
          attachments: [{ fileName: pdf.fileName ?? 'report.pdf', storageKey: pdf.storageKey, contentType: 'application/pdf' }],
        });
        queued++;
      }
      if (queued) this.logger.log({ campaignId: report.campaignId, reportId: pdf.id, queued }, 'final report emails queued');
      return queued;
    });
  }
}
