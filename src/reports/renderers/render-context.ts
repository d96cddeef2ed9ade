import type { ResultsSnapshotView } from '../../results/results-snapshot.types';
import { CsvDialect, ReportKind } from '../report-status';

export interface RenderContext {
  campaignId: string;
  kind: ReportKind;
  /** CSV reports: the dialect to write (excel-ru when not given) */
  csvDialect?: CsvDialect | null;
  snapshot: ResultsSnapshotView;
  /** absolute path of the file to write (from StorageService.reserve) */
  path: string;
  /** 0..100; called now and then, never per row */
  progress(percent: number): Promise<void>;
}

export const includesDiscussion = (kind: ReportKind): boolean => kind !== ReportKind.Expertise;
export const includesExpertise = (kind: ReportKind): boolean => kind !== ReportKind.Discussion;
/**
 * The «Сводка предложений» belongs to the full report (the final report once the expertise closes): proposals are
 * decided in the revision, after the discussion report was made (docs/reports.md).
 */
export const includesProposals = (kind: ReportKind): boolean => kind === ReportKind.Full;

export const KIND_TITLES: Readonly<Record<ReportKind, string>> = {
  [ReportKind.Discussion]: 'Итоги профессионально-общественного обсуждения',
  [ReportKind.Expertise]: 'Итоги профессиональной экспертизы',
  [ReportKind.Full]: 'Итоги обсуждения и экспертизы',
};

export function documentTitle(snapshot: ResultsSnapshotView, documentId: string | null): string {
  if (!documentId) return 'Общие вопросы';
  return snapshot.documents.find((d) => d.documentId === documentId)?.title ?? '';
}
