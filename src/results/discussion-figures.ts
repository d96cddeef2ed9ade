import type { EntityManager } from 'typeorm';
import { coverageOf } from './coverage';
import type { QuestionFigures, ResultsData } from './results-snapshot.types';
import { meanOf, medianOf, percent } from './statistics';

/** Responses that count: stored for the campaign and not excluded by an organizer. */
const INCLUDED = `r.campaign_id = $1 AND r.excluded = false`;

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

/** Per-option, per-scale-value and excluded-response counts (index-only scans of the answers' covering indexes). */
export interface AnswerCounts {
  options: { option_id: string; n: number }[];
  scale: { question_id: string; value: number; n: number }[];
  excluded: { question_id: string; option_id: string | null; value: number | null; has_text: boolean; n: number; respondents: number }[];
  excludedMulti: { question_id: string; n: number }[];
}

/** Distinct respondents of each multi-select and of each free-text question (the costly sorts). */
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
 * position, from one pass over the campaign's responses: counts per (territory, organization type, position), from
 * which PostgreSQL derives the four lists, each ordered as its reference list is.
 */
export async function breakdowns(m: EntityManager, campaignId: string): Promise<Breakdowns> {
  const [row]: {
    territories: { id: string; name: string; kind: string; active: boolean; respondents: number }[];
    by_kind: { kind: string; respondents: number }[];
    by_type: { code: string; name: string; respondents: number }[];
    by_position: { code: string; name: string; respondents: number }[];
  }[] = await m.query(
    `WITH g AS MATERIALIZED (
       SELECT r.territory_id, r.organization_type, r.position, count(*)::int AS n
         FROM responses r WHERE ${INCLUDED} GROUP BY 1, 2, 3),
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
 * Excluded responses are few: every answer row is counted through the covering indexes (index-only scans, no join),
 * then what the excluded responses contributed is counted apart (a small GROUP BY over their rows) to be subtracted.
 */
export async function answerCounts(m: EntityManager, campaignId: string, questions: QuestionRow[]): Promise<AnswerCounts> {
  const ids = (kind?: string) => questions.filter((q) => !kind || q.kind === kind).map((q) => q.id);
  // one row per chosen option: a multi-select is counted per option, never as a combination
  const options = await m.query(
    `SELECT a.option_id, count(*)::int AS n FROM response_answers a
      WHERE a.question_id = ANY($1::uuid[]) AND a.option_id IS NOT NULL GROUP BY a.option_id`,
    [ids()],
  );
  const scale = await m.query(
    `SELECT a.question_id, a.value, count(*)::int AS n FROM response_answers a
      WHERE a.question_id = ANY($1::uuid[]) AND a.value IS NOT NULL GROUP BY a.question_id, a.value`,
    [ids('scale')],
  );
  const excluded = await m.query(
    `SELECT a.question_id, a.option_id, a.value, (a.text IS NOT NULL AND btrim(a.text) <> '') AS has_text,
            count(*)::int AS n, count(DISTINCT a.response_id)::int AS respondents
       FROM responses r JOIN response_answers a ON a.response_id = r.id
      WHERE r.campaign_id = $1 AND r.excluded GROUP BY 1, 2, 3, 4`,
    [campaignId],
  );
  const excludedMulti = await m.query(
    `SELECT a.question_id, count(DISTINCT a.response_id)::int AS n
       FROM responses r JOIN response_answers a ON a.response_id = r.id
      WHERE r.campaign_id = $1 AND r.excluded AND a.option_id IS NOT NULL AND a.question_id = ANY($2::uuid[]) GROUP BY 1`,
    [campaignId, ids('multi')],
  );
  return { options, scale, excluded, excludedMulti };
}

/**
 * "Answered" of a multi-select is distinct respondents (several rows each; a single choice or a scale has one row),
 * and of a free-text question the distinct respondents with a non-blank text: sorts of ~100,000 ids per question.
 */
export async function respondentCounts(m: EntityManager, questions: QuestionRow[]): Promise<RespondentCounts> {
  const ids = (kind: string) => questions.filter((q) => q.kind === kind).map((q) => q.id);
  const multi = await m.query(
    `SELECT a.question_id, count(DISTINCT a.response_id)::int AS n FROM response_answers a
      WHERE a.question_id = ANY($1::uuid[]) AND a.option_id IS NOT NULL GROUP BY a.question_id`,
    [ids('multi')],
  );
  const text = await m.query(
    `SELECT a.question_id, count(DISTINCT a.response_id)::int AS n FROM response_answers a
      WHERE a.question_id = ANY($1::uuid[]) AND a.text IS NOT NULL AND btrim(a.text) <> '' GROUP BY a.question_id`,
    [ids('text')],
  );
  return { multi, text };
}

/** Per question figures from the counts, with the excluded responses' share taken out. */
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
  const minus = <K>(map: Map<K, number>, key: K, n: number) => map.has(key) && map.set(key, map.get(key)! - n);
  for (const x of counts.excluded) {
    if (x.option_id) minus(optionN, x.option_id, x.n);
    else if (x.value !== null) minus(scaleN, `${x.question_id}/${x.value}`, x.n);
    else if (x.has_text) minus(textN, x.question_id, x.respondents);
  }
  for (const x of counts.excludedMulti) minus(multiN, x.question_id, x.n);
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
