import type { ResultsSnapshotView } from '../../results/results-snapshot.types';
import { questionKindLabel, recommendationLabel, silentTerritories, territoryKindLabel, territoryKindPluralLabel } from '../report-labels';
import type { ReviewRow } from '../report-data.service';
import { ReportKind } from '../report-status';
import type { ProposalsReportData } from '../../proposals/proposals-summary.service';
import { PROPOSAL_COLUMNS, proposalCells } from '../../proposals/renderers/proposals-xlsx.renderer';
import { documentTitle, includesDiscussion, includesExpertise, includesProposals } from './render-context';
import type { Table, TableColumn } from './xlsx-table';

/** A sheet the report leaves out, and why (told on the «Содержание» sheet). */
export interface OmittedSheet {
  name: string;
  reason: string;
}

export interface SheetPlan {
  tables: Table[];
  omitted: OmittedSheet[];
}

export const RAW_SHEET = 'Ответы';

const col = (header: string, kind: TableColumn['kind'] = 'text'): TableColumn => ({ header, kind });

/**
 * The summary sheets of an XLSX report, from the snapshot (and the submitted review scores): pure, so the figures
 * can be checked against the snapshot directly. Every code is shown by its Russian name.
 */
export function summarySheets(
  kind: ReportKind,
  snapshot: ResultsSnapshotView,
  reviews: readonly ReviewRow[],
  proposals: ProposalsReportData | null = null,
): SheetPlan {
  const plan: SheetPlan = { tables: [summary(kind, snapshot)], omitted: [] };
  if (includesDiscussion(kind)) discussionSheets(snapshot, plan);
  if (includesProposals(kind)) proposalsSheet(proposals, plan);
  if (includesExpertise(kind)) expertiseSheets(snapshot, reviews, plan);
  return plan;
}

export const PROPOSALS_SHEET = 'Сводка предложений';

/**
 * Every proposal once, as in the organizer's «Сводка предложений» file (src/proposals/renderers), streamed: a
 * federal round has hundreds of thousands.
 */
function proposalsSheet(proposals: ProposalsReportData | null, plan: SheetPlan): void {
  if (!proposals?.summary.total) {
    plan.omitted.push({ name: PROPOSALS_SHEET, reason: 'участники обсуждения не написали ни одного предложения' });
    return;
  }
  const { total, decided } = proposals.summary;
  plan.tables.push({
    name: PROPOSALS_SHEET,
    description:
      `Каждое предложение участников (свободный ответ) с решением разработчиков и обоснованием; решение принято по ` +
      `${decided} из ${total}`,
    columns: PROPOSAL_COLUMNS.map((c) => col(c.header, c.kind)),
    rows: [],
    readAtRender: true,
    stream: {
      count: total,
      batches: async function* () {
        let seq = 0;
        for await (const batch of proposals.batches()) yield batch.map((r) => proposalCells(r, ++seq));
      },
    },
  });
}

function summary(kind: ReportKind, snapshot: ResultsSnapshotView): Table {
  const d = snapshot.discussion;
  const e = snapshot.expertise;
  const rows: unknown[][] = [];
  if (includesDiscussion(kind)) {
    rows.push(
      ['Респондентов', d.respondents, null],
      ['Территорий охвачено', d.territories.covered, null],
      ['Территорий всего (активных)', d.territories.total, null],
      ['Территорий без ответов', d.territories.total - d.territories.covered, null],
      ['Охват территорий', null, d.territories.percent],
    );
  }
  if (includesExpertise(kind)) {
    rows.push(
      ['Экспертов', e.experts, null],
      ['Территорий экспертов', e.territories.covered, null],
      ['Охват территорий экспертами', null, e.territories.percent],
    );
  }
  return {
    name: 'Сводка',
    description: 'Главные показатели: респонденты, охват территорий, эксперты',
    columns: [col('Показатель', 'longText'), col('Количество', 'integer'), col('Доля', 'percent')],
    rows,
  };
}

function discussionSheets(snapshot: ResultsSnapshotView, plan: SheetPlan): void {
  const d = snapshot.discussion;
  plan.tables.push({
    name: 'Территории',
    description: 'Каждая активная территория: сколько респондентов и их доля от всех респондентов (нули включены)',
    columns: [col('Территория'), col('Тип территории'), col('Респондентов', 'integer'), col('Доля респондентов', 'percent')],
    rows: d.territories.byTerritory.map((t) => [t.name, territoryKindLabel(t.kind), t.respondents, t.percent]),
  });
  const silent = silentTerritories(snapshot);
  if (silent.length) {
    plan.tables.push({
      name: 'Без ответов',
      description: `Активные территории, откуда не пришло ни одного ответа (${silent.length} из ${d.territories.total})`,
      columns: [col('Территория'), col('Тип территории')],
      rows: silent.map((t) => [t.name, territoryKindLabel(t.kind)]),
    });
  } else {
    plan.omitted.push({ name: 'Без ответов', reason: `ответы пришли из всех ${d.territories.total} активных территорий` });
  }
  plan.tables.push({
    name: 'Разрезы',
    description: 'Респонденты по типам территорий, типам организаций и должностям',
    columns: [col('Разрез'), col('Значение', 'longText'), col('Респондентов', 'integer')],
    rows: [
      ...d.byTerritoryKind.map((k) => ['Тип территории', territoryKindPluralLabel(k.kind), k.respondents]),
      ...d.byOrganizationType.map((o) => ['Тип организации', o.name, o.respondents]),
      ...d.byPosition.map((p) => ['Должность', p.name, p.respondents]),
    ],
  });
  plan.tables.push({
    name: 'Вопросы',
    description: 'Каждый вопрос анкеты: сколько ответили; по вариантам — количество и доля ответивших; по шкале — среднее и медиана',
    columns: [
      col('Документ'),
      col('Вопрос', 'longText'),
      col('Тип вопроса'),
      col('Ответили', 'integer'),
      col('Вариант ответа', 'longText'),
      col('Количество', 'integer'),
      col('Доля ответивших', 'percent'),
      col('Среднее', 'decimal'),
      col('Медиана', 'decimal'),
    ],
    rows: d.questions.flatMap((q) => {
      const head = [documentTitle(snapshot, q.documentId), q.text, questionKindLabel(q.kind), q.answered];
      const rows: unknown[][] = (q.options ?? []).map((o) => [...head, o.text, o.count, o.percent, null, null]);
      for (const s of q.scale?.distribution ?? []) rows.push([...head, s.value, s.count, null, q.scale!.mean, q.scale!.median]);
      if (q.texts) rows.push([...head, 'Свободные ответы (все — на листе «Ответы»)', q.texts.count, null, null, null]);
      return rows;
    }),
  });
}

function expertiseSheets(snapshot: ResultsSnapshotView, reviews: readonly ReviewRow[], plan: SheetPlan): void {
  const e = snapshot.expertise;
  const scores = e.documents[0]?.criteria[0]?.distribution.map((x) => x.score) ?? [];
  plan.tables.push({
    name: 'Экспертиза',
    description: 'По документам и критериям: средний балл, доля оценок «полностью», распределение оценок, согласованность экспертов',
    columns: [
      col('Документ'),
      col('Экспертиз', 'integer'),
      col('Альфа Криппендорфа', 'alpha'),
      col('Критерий', 'longText'),
      col('Средний балл', 'decimal'),
      col('Доля «полностью»', 'percent'),
      ...scores.map((s) => col(`Оценка ${s}`, 'integer')),
    ],
    rows: e.documents.flatMap((doc) =>
      doc.criteria.map((c) => [doc.title, doc.reviews, doc.alpha, c.text, c.mean, c.fullyPercent, ...c.distribution.map((x) => x.count)]),
    ),
  });
  const recommendations = e.documents.flatMap((doc) => doc.recommendations.map((r) => [doc.title, r.name, r.count]));
  if (recommendations.length) {
    plan.tables.push({
      name: 'Рекомендации',
      description: 'Сколько экспертов дали каждую рекомендацию по документу',
      columns: [col('Документ'), col('Рекомендация'), col('Экспертов', 'integer')],
      rows: recommendations,
    });
  } else plan.omitted.push({ name: 'Рекомендации', reason: 'ни одна экспертиза ещё не отправлена' });
  const far = e.documents.flatMap((doc) => doc.farExperts.map((f) => [doc.title, f.fullName, f.deviation]));
  if (far.length) {
    plan.tables.push({
      name: 'Расхождения',
      description: 'Эксперты, чьи оценки в среднем на 1 балл и больше отличаются от оценок остальных экспертов документа',
      columns: [col('Документ'), col('Эксперт'), col('Среднее отклонение от других, баллов', 'decimal')],
      rows: far,
    });
  } else plan.omitted.push({ name: 'Расхождения', reason: noFarExpertsReason(snapshot) });
  if (reviews.length) {
    plan.tables.push({
      name: 'Оценки экспертов',
      description: 'Каждая оценка каждого эксперта по каждому критерию, с комментариями и рекомендацией',
      columns: [
        col('Документ'),
        col('Эксперт'),
        col('Критерий', 'longText'),
        col('Оценка', 'integer'),
        col('Комментарий', 'longText'),
        col('Рекомендация'),
        col('Общий комментарий', 'longText'),
      ],
      rows: reviews.map((r) => [
        r.document,
        r.expert,
        r.criterion,
        r.score,
        r.comment,
        recommendationLabel(r.recommendation),
        r.general_comment,
      ]),
    });
  } else plan.omitted.push({ name: 'Оценки экспертов', reason: 'ни одна экспертиза ещё не отправлена' });
}

function noFarExpertsReason(snapshot: ResultsSnapshotView): string {
  const docs = snapshot.expertise.documents;
  if (!docs.some((d) => d.reviews > 0)) return 'ни одна экспертиза ещё не отправлена';
  if (!docs.some((d) => d.reviews > 1)) return 'ни один документ не оценён двумя и более экспертами: сравнивать не с кем';
  return 'оценки ни одного эксперта не отличаются от оценок остальных в среднем на 1 балл и больше';
}
