import type { EntityManager } from 'typeorm';
import { coverageOf } from './coverage';
import type { QuestionFigures, ResultsData } from './results-snapshot.types';
import { meanOf, medianOf, percent } from './statistics';

export interface QuestionRow {
  id: string;
  document_id: string | null;
  kind: string;
  text: string;
  scale_min: number | null;
  scale_max: number | null;
}

export interface OptionRow {
  id: string;
  question_id: string;
  text: string;
}

/** Per-option and per-scale-value counts of the responses that count, read from the tallies. */
export interface AnswerCounts {
  options: { option_id: string; n: number }[];
  scale: { question_id: string; value: number; n: number }[];
}

/** Distinct respondents of each multi-select and of each free-text question (non-blank texts), from the tallies. */
export interface RespondentCounts {
  multi: { question_id: string; n: number }[];
  text: { question_id: string; n: number }[];
}

type Breakdowns = Omit<ResultsData['discussion'], 'questions'>;

export async function loadQuestions(m: EntityManager, campaignId: string): Promise<{ questions: QuestionRow[]; options: OptionRow[] }> {
  const questions: QuestionRow[] = await m.query(
    `SELECT q.id, q.document_id, q.kind, q.text, q.scale_min, q.scale_max
       FROM questions q LEFT JOIN documents d ON d.id = q.document_id
      WHERE q.campaign_id = $1
      ORDER BY COALESCE(d.sort_order, -1), d.created_at NULLS FIRST, q.document_id NULLS FIRST, q.sort_order, q.created_at, q.id`,
    [campaignId],
  );
  const options: OptionRow[] = questions.length
    ? await m.query(`SELECT id, question_id, text FROM question_options WHERE question_id = ANY($1::uuid[]) ORDER BY sort_order, id`, [
        questions.map((q) => q.id),
      ])
    : [];
  return { questions, options };
}

/**
 * Respondents, territories (covered of the active ones) and the breakdowns by territory kind, organization type and
 * position, from the campaign's response tallies (responses that count per territory, organization type and
 * position: at most a few thousand rows whatever the round's size), from which PostgreSQL derives the four lists,
 * each ordered as its reference list is.
 */
export async function breakdowns(m: EntityManager, campaignId: string): Promise<Breakdowns> {
  const [row]: {
    territories: { id: string; name: string; kind: string; active: boolean; respondents: number }[];
    by_kind: { kind: string; respondents: number }[];
    by_type: { code: string; name: string; respondents: number }[];
    by_position: { code: string; name: string; respondents: number }[];
  }[] = await m.query(
    `WITH g AS MATERIALIZED (
       SELECT territory_id, organization_type, position, n FROM response_tally_sums
        WHERE campaign_id = $1 AND NOT excluded AND n > 0),
     per_territory AS (SELECT territory_id, sum(n)::int AS n FROM g GROUP BY territory_id)
     SELECT
       (SELECT COALESCE(json_agg(json_build_object('id', t.id, 'name', t.name, 'kind', t.kind, 'active', t.active,
                                                   'respondents', COALESCE(c.n, 0)) ORDER BY t.sort_order, t.name, t.kind), '[]')
          FROM territories t LEFT JOIN per_territory c ON c.territory_id = t.id
         WHERE t.active OR c.n > 0) AS territories,
       (SELECT COALESCE(json_agg(json_build_object('kind', k.kind, 'respondents', k.n) ORDER BY k.kind), '[]')
          FROM (SELECT t.kind, sum(c.n)::int AS n FROM per_territory c JOIN territories t ON t.id = c.territory_id GROUP BY t.kind) k)
         AS by_kind,
       (SELECT COALESCE(json_agg(json_build_object('code', x.code, 'name', x.name, 'respondents', x.n) ORDER BY x.sort_order NULLS LAST, x.code), '[]')
          FROM (SELECT g.organization_type AS code, COALESCE(ref.name, g.organization_type) AS name, ref.sort_order, sum(g.n)::int AS n
                  FROM g LEFT JOIN organization_types ref ON ref.code = g.organization_type
                 GROUP BY g.organization_type, ref.name, ref.sort_order) x) AS by_type,
       (SELECT COALESCE(json_agg(json_build_object('code', x.code, 'name', x.name, 'respondents', x.n) ORDER BY x.sort_order NULLS LAST, x.code), '[]')
          FROM (SELECT g.position AS code, COALESCE(ref.name, g.position) AS name, ref.sort_order, sum(g.n)::int AS n
                  FROM g LEFT JOIN positions ref ON ref.code = g.position
                 GROUP BY g.position, ref.name, ref.sort_order) x) AS by_position`,
    [campaignId],
  );
  const { respondents, covered, total, percent: coveredPercent, byTerritory, silent, byKind } = coverageOf(row.territories);
  const withPercent = <T extends { respondents: number }>(list: T[]) =>
    list.map((x) => ({ ...x, percent: percent(x.respondents, respondents) }));
  return {
    respondents,
    territories: { covered, total, percent: coveredPercent, byTerritory, silent, byKind },
    byTerritoryKind: withPercent(row.by_kind),
    byOrganizationType: withPercent(row.by_type),
    byPosition: withPercent(row.by_position),
  };
}

/**
 * The tallies hold only what responses that count contributed (an exclusion takes its answers out in the same
 * transaction), so nothing is subtracted here. A value or option that lost its last answer keeps a row at 0.
 */
export async function answerCounts(m: EntityManager, questions: QuestionRow[], options: OptionRow[]): Promise<AnswerCounts> {
  const scaleIds = questions.filter((q) => q.kind === 'scale').map((q) => q.id);
  const optionRows = await m.query(`SELECT option_id, n FROM option_tally_sums WHERE option_id = ANY($1::uuid[]) AND n > 0`, [
    options.map((o) => o.id),
  ]);
  const scale = await m.query(`SELECT question_id, value, n FROM scale_tally_sums WHERE question_id = ANY($1::uuid[]) AND n > 0`, [scaleIds]);
  return { options: optionRows, scale };
}

/** "Answered" of a multi-select (several rows a respondent) and of a free-text question: distinct respondents. */
export async function respondentCounts(m: EntityManager, questions: QuestionRow[]): Promise<RespondentCounts> {
  const rows: { question_id: string; n: number }[] = await m.query(
    `SELECT question_id, respondents AS n FROM question_tally_sums WHERE question_id = ANY($1::uuid[])`,
    [questions.filter((q) => q.kind === 'multi' || q.kind === 'text').map((q) => q.id)],
  );
  const kindOf = new Map(questions.map((q) => [q.id, q.kind]));
  return {
    multi: rows.filter((r) => kindOf.get(r.question_id) === 'multi'),
    text: rows.filter((r) => kindOf.get(r.question_id) === 'text'),
  };
}

/** Per question figures from the counts. */
export function questionFigures(
  questions: QuestionRow[],
  options: OptionRow[],
  counts: AnswerCounts,
  respondents: RespondentCounts,
): QuestionFigures[] {
  const optionN = new Map(counts.options.map((r) => [r.option_id, r.n]));
  const scaleN = new Map(counts.scale.map((r) => [`${r.question_id}/${r.value}`, r.n]));
  const multiN = new Map(respondents.multi.map((r) => [r.question_id, r.n]));
  const textN = new Map(respondents.text.map((r) => [r.question_id, r.n]));
  return questions.map((q): QuestionFigures => {
    const base = { questionId: q.id, documentId: q.document_id, kind: q.kind, text: q.text };
    if (q.kind === 'single' || q.kind === 'multi') {
      const own = options
        .filter((o) => o.question_id === q.id)
        .map((o) => ({ optionId: o.id, text: o.text, count: optionN.get(o.id) ?? 0 }));
      const answered = q.kind === 'multi' ? (multiN.get(q.id) ?? 0) : own.reduce((s, o) => s + o.count, 0);
      return { ...base, answered, options: own.map((o) => ({ ...o, percent: percent(o.count, answered) })) };
    }
    if (q.kind === 'scale') {
      const values = new Set(counts.scale.filter((r) => r.question_id === q.id).map((r) => r.value));
      if (q.scale_min !== null && q.scale_max !== null) for (let v = q.scale_min; v <= q.scale_max; v++) values.add(v);
      const distribution = [...values].sort((a, b) => a - b).map((value) => ({ value, count: scaleN.get(`${q.id}/${value}`) ?? 0 }));
      const answered = distribution.reduce((s, d) => s + d.count, 0);
      return {
        ...base,
        answered,
        scale: { min: q.scale_min, max: q.scale_max, distribution, mean: meanOf(distribution), median: medianOf(distribution) },
      };
    }
    const count = textN.get(q.id) ?? 0;
    return { ...base, answered: count, texts: { count } };
  });
}
