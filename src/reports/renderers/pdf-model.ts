import type { QuestionFigures, ResultsSnapshotView } from '../../results/results-snapshot.types';
import { formatAlpha } from '../../common/view-helpers';
import { barChart } from '../bar-chart';
import type { ReviewRow } from '../report-data.service';
import { silentTerritories, stageLabel, territoryKindPluralLabel, territoryLabel } from '../report-labels';
import { ReportKind } from '../report-status';
import { figuresOf, ProposalsFileData } from '../../proposals/proposals-summary.service';
import { proposalDocuments } from '../../proposals/renderers/proposals-pdf.renderer';
import { documentTitle, includesDiscussion, includesExpertise, includesProposals, KIND_TITLES } from './render-context';

/** Free-text answers printed per question; all of them are in the XLSX and CSV. */
export const PDF_TEXTS_PER_QUESTION = 50;
/** A report with at least this many sections opens with a contents list. */
export const PDF_TOC_MIN_SECTIONS = 5;

export type FreeText = { text: string; territory: string; position: string };

const fmt = (n: number | null) => (n === null ? '—' : String(n).replace('.', ','));

/** Criterion comments, then each review's general comment once. */
function commentsOf(rows: readonly ReviewRow[]) {
  const out: { expert: string; criterion: string | null; text: string }[] = [];
  const general = new Map<string, { expert: string; criterion: null; text: string }>();
  for (const r of rows) {
    if (r.comment.trim()) out.push({ expert: r.expert, criterion: r.criterion, text: r.comment });
    if (r.general_comment.trim()) general.set(r.assignment_id, { expert: r.expert, criterion: null, text: r.general_comment });
  }
  return [...out, ...general.values()];
}

function questionModel(q: QuestionFigures, texts: readonly FreeText[]) {
  return {
    ...q,
    multi: q.kind === 'multi',
    chart: q.options
      ? barChart(q.options.map((o) => ({ label: o.text, value: o.count, caption: `${o.count} (${fmt(o.percent)} %)` })))
      : q.scale
        ? barChart(q.scale.distribution.map((s) => ({ label: String(s.value), value: s.count, caption: String(s.count) })))
        : null,
    meanText: q.scale ? fmt(q.scale.mean) : null,
    medianText: q.scale ? fmt(q.scale.median) : null,
    textList: texts,
    textsShortened: q.texts ? q.texts.count > PDF_TEXTS_PER_QUESTION : false,
  };
}

function discussionModel(snapshot: ResultsSnapshotView, texts: ReadonlyMap<string, FreeText[]>) {
  const d = snapshot.discussion;
  const groups = [{ documentId: null as string | null }, ...snapshot.documents]
    .map((g) => ({
      title: documentTitle(snapshot, g.documentId),
      questions: d.questions.filter((q) => q.documentId === g.documentId).map((q) => questionModel(q, texts.get(q.questionId) ?? [])),
    }))
    .filter((g) => g.questions.length)
    .map((g, i) => ({ ...g, anchor: `questions-${i + 1}` }));
  return {
    ...d,
    territoriesPercent: fmt(d.territories.percent),
    territoryChart: barChart(
      d.territories.byTerritory
        .filter((t) => t.respondents > 0)
        .map((t) => ({ label: territoryLabel(t.name, t.kind), value: t.respondents, caption: `${t.respondents} (${fmt(t.percent)} %)` })),
    ),
    silent: silentTerritories(snapshot).map((t) => territoryLabel(t.name, t.kind)),
    byTerritoryKind: d.byTerritoryKind.map((k) => ({ label: territoryKindPluralLabel(k.kind), respondents: k.respondents })),
    positionChart: barChart(d.byPosition.map((p) => ({ label: p.name, value: p.respondents, caption: String(p.respondents) }))),
    organizationTypeChart: barChart(
      d.byOrganizationType.map((p) => ({ label: p.name, value: p.respondents, caption: String(p.respondents) })),
    ),
    groups,
    textsPerQuestion: PDF_TEXTS_PER_QUESTION,
  };
}

function expertiseModel(snapshot: ResultsSnapshotView, reviews: readonly ReviewRow[]) {
  const e = snapshot.expertise;
  return {
    ...e,
    territoriesPercent: fmt(e.territories.percent),
    documents: e.documents.map((doc, i) => ({
      ...doc,
      anchor: `expertise-${i + 1}`,
      scores: doc.criteria[0]?.distribution.map((x) => x.score) ?? [],
      alphaText: formatAlpha(doc.alpha),
      criteria: doc.criteria.map((c) => ({ ...c, meanText: fmt(c.mean), fullyText: fmt(c.fullyPercent) })),
      farExperts: doc.farExperts.map((f) => ({ ...f, deviationText: fmt(f.deviation) })),
      comments: commentsOf(reviews.filter((r) => r.document_id === doc.documentId)),
    })),
  };
}

/** The «Сводка предложений» section: left out when there is no proposal (no empty section). */
function proposalsModel(data: ProposalsFileData | null) {
  if (!data?.summary.total) return null;
  return {
    total: data.summary.total,
    decided: data.summary.decided,
    listed: data.rows.length,
    shortened: data.rows.length < data.summary.decided,
    figures: figuresOf(data.summary),
    documents: proposalDocuments(data).map((d, i) => ({ ...d, anchor: `proposals-${i + 1}` })),
  };
}

/** Everything templates/reports/report.hbs prints, codes already turned into Russian names. */
export function pdfModel(
  kind: ReportKind,
  snapshot: ResultsSnapshotView,
  texts: ReadonlyMap<string, FreeText[]>,
  reviews: readonly ReviewRow[],
  proposalsData: ProposalsFileData | null = null,
) {
  const discussion = includesDiscussion(kind) ? discussionModel(snapshot, texts) : null;
  const proposals = includesProposals(kind) ? proposalsModel(proposalsData) : null;
  const expertise = includesExpertise(kind) ? expertiseModel(snapshot, reviews) : null;
  const toc: { anchor: string; title: string; children: { anchor: string; title: string }[] }[] = [];
  if (discussion) {
    toc.push({
      anchor: 'discussion',
      title: 'Профессионально-общественное обсуждение',
      children: [
        { anchor: 'respondents', title: 'Респонденты' },
        ...(discussion.silent.length ? [{ anchor: 'silent', title: 'Территории без ответов' }] : []),
        ...discussion.groups.map((g) => ({ anchor: g.anchor, title: g.title })),
      ],
    });
  }
  if (proposals) {
    toc.push({
      anchor: 'proposals',
      title: 'Сводка предложений',
      children: proposals.documents.map((doc) => ({ anchor: doc.anchor, title: doc.title })),
    });
  }
  if (expertise) {
    toc.push({
      anchor: 'expertise',
      title: 'Профессиональная экспертиза',
      children: expertise.documents.map((doc) => ({ anchor: doc.anchor, title: doc.title })),
    });
  }
  const sections = toc.reduce((n, t) => n + 1 + t.children.length, 0);
  return {
    title: KIND_TITLES[kind],
    campaignTitle: snapshot.title,
    computedAt: snapshot.computedAt,
    stage: stageLabel(snapshot.stage),
    toc: sections >= PDF_TOC_MIN_SECTIONS ? toc : [],
    discussion,
    proposals,
    expertise,
  };
}
