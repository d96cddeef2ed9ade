import { TransitionTable } from '../common/state-machine';

export enum ReportStatus {
  Queued = 'queued',
  Rendering = 'rendering',
  Ready = 'ready',
  Failed = 'failed',
}

export enum ReportKind {
  Discussion = 'discussion',
  Expertise = 'expertise',
  Full = 'full',
}

export enum ReportFormat {
  Xlsx = 'xlsx',
  Pdf = 'pdf',
  Csv = 'csv',
}

/** How a CSV report is written: for Russian-locale Excel (the default) or RFC 4180 for tools. */
export enum CsvDialect {
  /** UTF-8 with BOM, `;` between fields, decimal comma, local times `ДД.ММ.ГГГГ ЧЧ:ММ` */
  ExcelRu = 'excel-ru',
  /** UTF-8 without BOM, `,` between fields, decimal point, ISO 8601 times in UTC */
  Rfc4180 = 'rfc4180',
}

export enum ReportAction {
  /** The job picks the report up. */
  Start = 'start',
  Finish = 'finish',
  Fail = 'fail',
  /** Back in line: a failed attempt Bull retries, a render cut short by a crashed worker, a failed report run again. */
  Requeue = 'requeue',
}

/** What a move does besides the status; the facts it records (file, error) come from the caller. */
export enum ReportEffect {
  /** progress 0 and the previous attempt's error cleared */
  StartOver = 'start-over',
  /** progress 100 */
  CompleteProgress = 'complete-progress',
  /** finished_at = now */
  StampFinished = 'stamp-finished',
}

/** The report lifecycle; ReportsService.transition() is the only writer of `reports.status`. */
export const REPORT_MACHINE = new TransitionTable<ReportStatus, ReportAction, ReportEffect>([
  { action: ReportAction.Start, from: [ReportStatus.Queued], to: ReportStatus.Rendering, effects: [ReportEffect.StartOver] },
  {
    action: ReportAction.Finish,
    from: [ReportStatus.Rendering],
    to: ReportStatus.Ready,
    effects: [ReportEffect.CompleteProgress, ReportEffect.StampFinished],
  },
  {
    action: ReportAction.Fail,
    from: [ReportStatus.Queued, ReportStatus.Rendering],
    to: ReportStatus.Failed,
    effects: [ReportEffect.StampFinished],
  },
  { action: ReportAction.Requeue, from: [ReportStatus.Rendering, ReportStatus.Failed], to: ReportStatus.Queued },
]);
