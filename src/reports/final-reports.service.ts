import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app.config';
import { MailService } from '../mail/mail.service';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { ResultsService } from '../results/results.service';
import { Report } from './entities/report.entity';
import { ReportDataQueries } from './report-data.queries';
import { ReportFormat, ReportKind, ReportStatus } from './report-status';
import { ReportsRepository } from './reports.repository';

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
    private readonly repo: ReportsRepository,
    private readonly queries: ReportDataQueries,
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
    await this.repo.transaction(async (m) => {
      for (const format of [ReportFormat.Pdf, ReportFormat.Xlsx]) {
        const fields = { campaignId, kind, format, finalStage, emailOnReady: format === ReportFormat.Pdf, snapshotId: snapshot.id };
        const id = await this.repo.insertFinal(m, fields);
        if (id) await this.outbox.enqueue(m, JobName.RenderReport, { reportId: id });
      }
    });
    this.logger.log({ campaignId, stage: finalStage }, 'final reports requested');
  }

  /** Called after any final report finishes: when the PDF is ready and the XLSX is done, email everyone once. */
  async emailWhenComplete(report: Report): Promise<number> {
    if (!report.finalStage) return 0;
    return this.repo.transaction(async (m) => {
      const reports = await this.repo.lockFinals(m, report.campaignId, report.finalStage!);
      const pdf = reports.find((r) => r.format === ReportFormat.Pdf);
      const xlsx = reports.find((r) => r.format === ReportFormat.Xlsx);
      if (!pdf || pdf.status !== ReportStatus.Ready || !pdf.storageKey) return 0;
      // the XLSX is linked, not attached: wait for it unless it failed for good
      if (xlsx && xlsx.status !== ReportStatus.Ready && xlsx.status !== ReportStatus.Failed) return 0;
      const campaign = await this.queries.finalReportCampaign(m, report.campaignId);
      if (!campaign) return 0;
      const organizers = await this.queries.organizerEmails(m);
      const recipients = [...new Set([...organizers, ...campaign.report_recipients].map((e) => e.trim().toLowerCase()))].filter(Boolean);
      const sent = new Set(await this.queries.mailedAddresses(m, FINAL_REPORT_TEMPLATE, pdf.id));
      const snapshot = await this.queries.snapshotFigures(m, pdf.snapshotId);
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
