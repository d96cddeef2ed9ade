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

export const REPORT_TRANSITIONS: Readonly<Record<ReportStatus, readonly ReportStatus[]>> = {
  [ReportStatus.Queued]: [ReportStatus.Rendering, ReportStatus.Failed],
  [ReportStatus.Rendering]: [ReportStatus.Ready, ReportStatus.Failed, ReportStatus.Queued],
  [ReportStatus.Ready]: [],
  [ReportStatus.Failed]: [ReportStatus.Queued],
};
