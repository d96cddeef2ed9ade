import { coverageView, snapshotCoverage } from '../results/coverage-view';
import type { ResultsSnapshotView } from '../results/results-snapshot.types';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { percent } from '../results/statistics';
import { ReportStatus } from './report-status';
import type { ReportView } from './reports.service';

export const REPORT_STATUS_LABELS: Readonly<Record<ReportStatus, string>> = {
  [ReportStatus.Queued]: 'в очереди',
  [ReportStatus.Rendering]: 'формируется',
  [ReportStatus.Ready]: 'готов',
  [ReportStatus.Failed]: 'ошибка',
};

export const REPORT_KIND_LABELS: Readonly<Record<string, string>> = {
  discussion: 'Обсуждение',
  expertise: 'Экспертиза',
  full: 'Обсуждение и экспертиза',
};

/** The snapshot shaped for the results pages: labels resolved, questions grouped by document. */
export function resultsPageModel(snapshot: ResultsSnapshotView, options: { withExperts: boolean }) {
  const d = snapshot.discussion;
  const groups = [
    { documentId: null as string | null, title: 'Общие вопросы' },
    ...snapshot.documents.map((x) => ({ documentId: x.documentId, title: x.title })),
  ]
    .map((g) => ({ ...g, questions: d.questions.filter((q) => q.documentId === g.documentId).map(withScalePercents) }))
    .filter((g) => g.questions.length);
  // snapshots made before the breakdowns carried a percent get it here
  const withPercent = <T extends { respondents: number; percent?: number }>(rows: T[]) =>
    rows.map((r) => ({ ...r, percent: r.percent ?? percent(r.respondents, d.respondents) }));
  return {
    computedAt: snapshot.computedAt,
    coverage: coverageView(snapshotCoverage(d), 'snapshot'),
    discussion: {
      ...d,
      breakdowns: [
        {
          caption: 'По типу территории',
          column: 'Тип территории',
          rows: withPercent(d.byTerritoryKind).map((k) => ({ ...k, name: TERRITORY_KIND_LABELS[k.kind] ?? k.kind })),
        },
        { caption: 'По типу организации', column: 'Тип организации', rows: withPercent(d.byOrganizationType) },
        { caption: 'По должности', column: 'Должность', rows: withPercent(d.byPosition) },
      ],
      groups,
    },
    expertise: {
      ...snapshot.expertise,
      documents: snapshot.expertise.documents.map((doc) => ({
        ...doc,
        scores: doc.criteria[0]?.distribution.map((x) => x.score) ?? [],
        farExperts: options.withExperts ? doc.farExperts : [],
      })),
    },
  };
}

/** How the reports table names a file's format. */
export function reportFormatLabel(r: Pick<ReportView, 'format' | 'csvDialect'>): string {
  if (r.format !== 'csv') return r.format.toUpperCase();
  return r.csvDialect === 'rfc4180' ? 'CSV для программ' : 'CSV';
}

/** A scale's distribution with each value's share of those who answered, for the bars. */
function withScalePercents<Q extends ResultsSnapshotView['discussion']['questions'][number]>(q: Q): Q {
  if (!q.scale) return q;
  const distribution = q.scale.distribution.map((x) => ({ ...x, percent: percent(x.count, q.answered) }));
  return { ...q, scale: { ...q.scale, distribution } };
}

export function reportRows(reports: ReportView[]) {
  return reports.map((r) => ({
    ...r,
    formatLabel: reportFormatLabel(r),
    statusLabel: REPORT_STATUS_LABELS[r.status],
    kindLabel: REPORT_KIND_LABELS[r.kind] ?? r.kind,
    pending: r.status === ReportStatus.Queued || r.status === ReportStatus.Rendering,
    ready: r.status === ReportStatus.Ready,
  }));
}
