import type { ResultsSnapshotView } from '../results/results-snapshot.types';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
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
    .map((g) => ({ ...g, questions: d.questions.filter((q) => q.documentId === g.documentId) }))
    .filter((g) => g.questions.length);
  return {
    computedAt: snapshot.computedAt,
    discussion: {
      ...d,
      territoriesWithRespondents: d.territories.byTerritory
        .filter((t) => t.respondents > 0)
        .map((t) => ({ ...t, kindLabel: TERRITORY_KIND_LABELS[t.kind] ?? t.kind })),
      byTerritoryKind: d.byTerritoryKind.map((k) => ({ ...k, kindLabel: TERRITORY_KIND_LABELS[k.kind] ?? k.kind })),
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
