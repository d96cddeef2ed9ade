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

export const REPORT_TRANSITIONS: Readonly<Record<ReportStatus, readonly ReportStatus[]>> = {
  [ReportStatus.Queued]: [ReportStatus.Rendering, ReportStatus.Failed],
  [ReportStatus.Rendering]: [ReportStatus.Ready, ReportStatus.Failed, ReportStatus.Queued],
  [ReportStatus.Ready]: [],
  [ReportStatus.Failed]: [ReportStatus.Queued],
};
