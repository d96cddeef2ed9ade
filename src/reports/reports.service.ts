import { Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { stat } from 'node:fs/promises';
import { localIsoDate } from '../common/display-time-zone';
import { isUuid } from '../common/uuid';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { ResultsService } from '../results/results.service';
import { StorageService } from '../storage/storage.service';
import { Report } from './entities/report.entity';
import { FinalReportsService } from './final-reports.service';
import { CsvDialect, REPORT_MACHINE, ReportAction, ReportEffect, ReportFormat, ReportKind, ReportStatus } from './report-status';
import { ReportNotFoundError, ReportNotReadyError, ReportTransitionError } from './reports.errors';
import { ReportsRepository } from './reports.repository';
import { CsvRenderer } from './renderers/csv.renderer';
import { PdfRenderer } from './renderers/pdf.renderer';
import { RenderContext } from './renderers/render-context';
import { XlsxRenderer } from './renderers/xlsx.renderer';

export const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  [ReportFormat.Xlsx]: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  [ReportFormat.Pdf]: 'application/pdf',
  [ReportFormat.Csv]: 'text/csv; charset=utf-8',
};

const FILE_KIND: Readonly<Record<ReportKind, string>> = {
  [ReportKind.Discussion]: 'obsuzhdenie',
  [ReportKind.Expertise]: 'ekspertiza',
  [ReportKind.Full]: 'itogi',
};

/**
 * `itogi-<slug>-<YYYY-MM-DD>.pdf` (obsuzhdenie-… / ekspertiza-… for one stage's report): the campaign and the day
 * (in the display zone) of the results, so files of several campaigns and rounds do not clash in a downloads folder.
 */
export function reportFileName(report: Pick<Report, 'kind' | 'format'>, slug: string, computedAt: string): string {
  return `${FILE_KIND[report.kind]}-${slug}-${localIsoDate(Date.parse(computedAt))}.${report.format}`;
}

/** What the caller knows about a move: the rendered file, or why the attempt failed. */
export type ReportFacts = Partial<Pick<Report, 'error' | 'storageKey' | 'size' | 'snapshotId' | 'fileName'>>;

const REPORT_EFFECTS: Readonly<Record<ReportEffect, () => Partial<Report>>> = {
  [ReportEffect.StartOver]: () => ({ progress: 0, error: null }),
  [ReportEffect.CompleteProgress]: () => ({ progress: 100 }),
  [ReportEffect.StampFinished]: () => ({ finishedAt: new Date() }),
};

export interface ReportView {
  id: string;
  campaignId: string;
  kind: ReportKind;
  format: ReportFormat;
  status: ReportStatus;
  progress?: number;
  error?: string;
  csvDialect?: CsvDialect;
  fileName?: string;
  size?: number;
  createdAt: string;
  finishedAt?: string;
}

/**
 * Reports render from the campaign's latest results snapshot (aggregating first when there is none) plus raw rows
 * streamed from PostgreSQL for the raw sheets and the CSV. Status moves only through `transition`.
 */
@Injectable()
export class ReportsService {
  private readonly logger = new Logger(ReportsService.name);

  constructor(
    private readonly reports: ReportsRepository,
    private readonly outbox: OutboxService,
    private readonly results: ResultsService,
    private readonly storage: StorageService,
    private readonly xlsx: XlsxRenderer,
    private readonly csv: CsvRenderer,
    private readonly pdf: PdfRenderer,
    private readonly finals: FinalReportsService,
  ) {}

  /**
   * The RenderReport job: renders, then, for a final report of a closed stage, emails it once both final reports
   * are done. A retry after a failed email finds the report ready and only tries the email step again.
   */
  async renderReport(id: string, finalAttempt: boolean): Promise<ReportStatus | null> {
    await this.buildReport(id, finalAttempt);
    const report = await this.find(id);
    if (report?.finalStage) await this.finals.emailWhenComplete(report);
    return report?.status ?? null;
  }

  async requestReport(
    campaignId: string,
    kind: ReportKind,
    format: ReportFormat,
    requestedBy: string | null,
    csvDialect: CsvDialect = CsvDialect.ExcelRu,
  ): Promise<ReportView> {
    await this.results.campaignOrFail(campaignId);
    return this.reports.transaction(async (m) => {
      const report = await this.reports.insert(m, {
        campaignId,
        kind,
        format,
        requestedBy,
        csvDialect: format === ReportFormat.Csv ? csvDialect : null,
      });
      await this.outbox.enqueue(m, JobName.RenderReport, { reportId: report.id });
      return toView(report);
    });
  }

  async get(id: string): Promise<ReportView> {
    return toView(await this.findOrFail(id));
  }

  async forCampaign(campaignId: string, limit = 30): Promise<ReportView[]> {
    return (await this.reports.newestForCampaign(campaignId, limit)).map(toView);
  }

  async file(id: string): Promise<{ stream: Readable; fileName: string; contentType: string; size: number | null }> {
    const report = await this.findOrFail(id);
    if (report.status !== ReportStatus.Ready || !report.storageKey) throw new ReportNotReadyError(report.status);
    return {
      stream: this.storage.read(report.storageKey),
      fileName: report.fileName ?? `report.${report.format}`,
      contentType: CONTENT_TYPES[report.format],
      size: report.size,
    };
  }

  /**
   * Renders one report (the RenderReport job). Safe to run twice: a ready report is left alone, a report caught
   * mid-render (worker crash) starts over. A failure puts it back to queued for Bull's retry, or marks it failed
   * with the reason on the last attempt. Returns the report when it became ready now.
   */
  async buildReport(id: string, finalAttempt: boolean): Promise<Report | null> {
    const report = await this.reports.findById(id);
    if (!report || report.status === ReportStatus.Ready) return null;
    // caught mid-render by a crashed worker, or run again after failing: it starts over from the queue
    if (REPORT_MACHINE.find(report.status, ReportAction.Requeue)) await this.transition(id, ReportAction.Requeue);
    await this.transition(id, ReportAction.Start);
    const started = Date.now();
    try {
      const [snapshot, campaign] = await Promise.all([
        this.results.latestOrAggregate(report.campaignId),
        this.results.campaignOrFail(report.campaignId),
      ]);
      if (!snapshot) throw new Error('кампания удалена');
      const target = await this.storage.reserve('reports');
      let lastProgress = 0;
      const ctx: RenderContext = {
        campaignId: report.campaignId,
        kind: report.kind,
        csvDialect: report.csvDialect,
        snapshot,
        path: target.path,
        progress: async (p) => {
          const value = Math.max(0, Math.min(99, Math.floor(p)));
          if (value < lastProgress + 5) return; // a row update per 5 % is plenty for a progress bar
          lastProgress = value;
          await this.reports.setProgress(id, value);
        },
      };
      const renderer = { [ReportFormat.Xlsx]: this.xlsx, [ReportFormat.Csv]: this.csv, [ReportFormat.Pdf]: this.pdf }[report.format];
      if (!renderer) throw new Error(`unknown report format: ${report.format}`);
      await renderer.render(ctx);
      const { size } = await stat(target.path);
      const ready = await this.transition(id, ReportAction.Finish, {
        storageKey: target.key,
        size,
        snapshotId: snapshot.id,
        fileName: reportFileName(report, campaign.slug, snapshot.computedAt),
      });
      this.logger.log({ reportId: id, format: report.format, ms: Date.now() - started, size }, 'report ready');
      return ready;
    } catch (err) {
      const message = (err as Error).message.slice(0, 500);
      this.logger.warn({ reportId: id, finalAttempt }, `report not rendered: ${message}`);
      await this.transition(id, finalAttempt ? ReportAction.Fail : ReportAction.Requeue, { error: message });
      if (finalAttempt) return null;
      throw err;
    }
  }

  /**
   * The one method that changes a report's status: under a row lock, the move `action` must be in REPORT_MACHINE;
   * its declared effects and the caller's facts (file, error) are written with the status.
   */
  async transition(id: string, action: ReportAction, facts: ReportFacts = {}): Promise<Report> {
    return this.reports.transaction(async (m) => {
      const report = await this.reports.lockById(m, id);
      if (!report) throw new ReportNotFoundError();
      const move = REPORT_MACHINE.find(report.status, action);
      if (!move) throw new ReportTransitionError(`report ${id}: ${action} from ${report.status} is not allowed`);
      Object.assign(report, facts, { status: move.to });
      for (const effect of move.effects) Object.assign(report, REPORT_EFFECTS[effect]());
      return this.reports.save(m, report);
    });
  }

  find(id: string): Promise<Report | null> {
    return this.reports.findById(id);
  }

  private async findOrFail(id: string): Promise<Report> {
    const report = isUuid(id) ? await this.reports.findById(id) : null;
    if (!report) throw new ReportNotFoundError();
    return report;
  }
}

export function toView(r: Report): ReportView {
  return {
    id: r.id,
    campaignId: r.campaignId,
    kind: r.kind,
    format: r.format,
    status: r.status,
    ...(r.csvDialect ? { csvDialect: r.csvDialect } : {}),
    ...(r.status === ReportStatus.Rendering || r.status === ReportStatus.Ready ? { progress: r.progress } : {}),
    ...(r.error && r.status !== ReportStatus.Ready ? { error: r.error } : {}),
    ...(r.status === ReportStatus.Ready ? { fileName: r.fileName ?? undefined, size: r.size ?? undefined } : {}),
    createdAt: new Date(r.createdAt).toISOString(),
    ...(r.finishedAt ? { finishedAt: new Date(r.finishedAt).toISOString() } : {}),
  };
}
