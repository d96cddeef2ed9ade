import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/**
 * A campaign with a known, seeded set of responses and reviews, written with direct SQL (independent of the
 * campaign/discussion/expertise APIs). Everything inserted is returned, so tests can recompute every figure.
 */
export interface FxOption {
  id: string;
  text: string;
}
export interface FxQuestion {
  id: string;
  documentId: string | null;
  kind: 'single' | 'multi' | 'scale' | 'text';
  text: string;
  scaleMin: number | null;
  scaleMax: number | null;
  options: FxOption[];
}
export interface FxAnswer {
  questionId: string;
  optionId?: string;
  value?: number;
  text?: string;
}
export interface FxResponse {
  id: string;
  receipt: string;
  createdAt: Date;
  territoryId: string;
  organizationType: string;
  position: string;
  organizationName: string | null;
  excluded: boolean;
  answers: FxAnswer[];
}
export interface FxReview {
  assignmentId: string;
  documentId: string;
  expertId: string;
  status: 'assigned' | 'draft' | 'submitted';
  recommendation: string | null;
  generalComment: string;
  scores: { criterionId: string; score: number; comment: string }[];
}
export interface ResultsFixture {
  campaignId: string;
  slug: string;
  title: string;
  territories: { id: string; name: string; kind: string; active: boolean }[];
  organizationTypes: { code: string; name: string }[];
  positions: { code: string; name: string }[];
  recommendations: { code: string; name: string }[];
  documents: { id: string; title: string }[];
  questions: FxQuestion[];
  responses: FxResponse[];
  criteria: { id: string; text: string }[];
  experts: { id: string; fullName: string; territoryId: string }[];
  reviews: FxReview[];
}

export interface FixtureOptions {
  status?: string;
  responses?: number;
  experts?: number;
  seed?: number;
  reportRecipients?: string[];
  resultsPublished?: boolean;
  /** how many of the active territories (the first ones) the respondents come from; each of them answers at least once */
  territoriesUsed?: number;
  /** the opening of the discussion (orders the rounds on the cross-campaign page) */
  discussionOpensAt?: Date;
  /** titles of the two documents (default: unique per campaign) */
  documentTitles?: [string, string];
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing test is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Texts a respondent might type, including ones that must stay data in HTML and spreadsheets. */
export const TRICKY_TEXTS = [
  'Документ полезный, но объёмный',
  '=HYPERLINK("http://evil.example","клик")',
  '<script>alert(1)</script> и «кавычки» & амперсанд',
  '+7 (351) 000-00-00',
  '-минус в начале',
  '@упоминание',
  'Строка, с запятой; и "кавычками"\nи переводом строки',
];

export async function buildResultsCampaign(ds: DataSource, options: FixtureOptions = {}): Promise<ResultsFixture> {
  const random = rng(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const campaignId = randomUUID();
  const slug = `res-${campaignId.slice(0, 8)}`;
  const title = `Итоги «${slug}» <b>жирно</b>`;
  const territories: ResultsFixture['territories'] = await ds.query(`SELECT id, name, kind, active FROM territories ORDER BY sort_order`);
  const organizationTypes: ResultsFixture['organizationTypes'] = await ds.query(
    `SELECT code, name FROM organization_types ORDER BY sort_order`,
  );
  const positions: ResultsFixture['positions'] = await ds.query(`SELECT code, name FROM positions ORDER BY sort_order`);
  const recommendations: ResultsFixture['recommendations'] = await ds.query(`SELECT code, name FROM recommendations ORDER BY sort_order`);
  const active = territories.filter((t) => t.active);
  // respondents come from a subset of territories, so coverage is a real fraction
  const used = active.slice(0, options.territoriesUsed ?? Math.max(2, Math.floor(active.length / 3)));
  // with territoriesUsed, every used territory gets two responses in a row first (one of them at most is excluded)
  const territoryOf = (i: number) => (options.territoriesUsed && i < used.length * 2 ? used[Math.floor(i / 2)] : pick(used));

  await ds.query(
    `INSERT INTO campaigns (id, slug, title, status, criterion_scale, report_recipients, results_published, discussion_opens_at,
                            status_changed_at, row_version)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $8, 1)`,
    [
      campaignId,
      slug,
      title,
      options.status ?? 'discussion',
      JSON.stringify([
        { score: 0, label: 'не соответствует' },
        { score: 1, label: 'частично' },
        { score: 2, label: 'полностью' },
      ]),
      options.reportRecipients ?? [],
      options.resultsPublished ?? false,
      options.discussionOpensAt ?? null,
    ],
  );
  const documents = [0, 1].map((i) => ({ id: randomUUID(), title: options.documentTitles?.[i] ?? `Документ ${i + 1} ${slug}` }));
  for (const [i, d] of documents.entries()) {
    await ds.query(`INSERT INTO documents (id, campaign_id, title, sort_order) VALUES ($1, $2, $3, $4)`, [d.id, campaignId, d.title, i]);
  }
  const questions: FxQuestion[] = [];
  const q = (documentId: string | null, kind: FxQuestion['kind'], text: string, optionTexts: string[] = [], scale?: [number, number]) => {
    questions.push({
      id: randomUUID(),
      documentId,
      kind,
      text,
      scaleMin: scale?.[0] ?? null,
      scaleMax: scale?.[1] ?? null,
      options: optionTexts.map((t) => ({ id: randomUUID(), text: t })),
    });
  };
  q(null, 'single', 'Знакомы ли вы с документами?', ['Да', 'Нет', 'Частично']);
  for (const d of documents) {
    q(d.id, 'single', 'Соответствует ли документ запросам?', ['Соответствует', 'Частично', 'Не соответствует', 'Затрудняюсь ответить']);
    q(d.id, 'multi', 'Что полезно?', ['Структура', 'Примеры', 'Шаблоны', '=формулы']);
    q(d.id, 'scale', 'Оцените от 1 до 5', [], [1, 5]);
    q(d.id, 'text', 'Ваши предложения');
  }
  for (const [i, question] of questions.entries()) {
    await ds.query(
      `INSERT INTO questions (id, campaign_id, document_id, kind, text, required, sort_order, scale_min, scale_max)
       VALUES ($1, $2, $3, $4, $5, false, $6, $7, $8)`,
      [question.id, campaignId, question.documentId, question.kind, question.text, i, question.scaleMin, question.scaleMax],
    );
    for (const [j, o] of question.options.entries()) {
      await ds.query(`INSERT INTO question_options (id, question_id, text, sort_order) VALUES ($1, $2, $3, $4)`, [
        o.id,
        question.id,
        o.text,
        j,
      ]);
    }
  }

  const responses: FxResponse[] = [];
  const count = options.responses ?? 60;
  const base = Date.parse('2026-03-01T08:00:00Z');
  for (let i = 0; i < count; i++) {
    const answers: FxAnswer[] = [];
    for (const question of questions) {
      if (random() < 0.15) continue; // some questions left unanswered
      if (question.kind === 'single') answers.push({ questionId: question.id, optionId: pick(question.options).id });
      if (question.kind === 'multi') {
        const chosen = question.options.filter(() => random() < 0.45);
        for (const o of chosen.length ? chosen : [question.options[0]]) answers.push({ questionId: question.id, optionId: o.id });
      }
      if (question.kind === 'scale') answers.push({ questionId: question.id, value: 1 + Math.floor(random() * 5) });
      if (question.kind === 'text' && random() < 0.6) answers.push({ questionId: question.id, text: `${pick(TRICKY_TEXTS)} №${i}` });
    }
    responses.push({
      id: randomUUID(),
      receipt: `R-${campaignId.slice(0, 6)}-${String(i).padStart(5, '0')}`,
      createdAt: new Date(base + i * 61_000),
      territoryId: territoryOf(i).id,
      organizationType: pick(organizationTypes.slice(0, 4)).code,
      position: pick(positions.slice(0, 4)).code,
      organizationName: random() < 0.5 ? `Школа №${i % 7} ${pick(['', '=1+1'])}`.trim() : null,
      excluded: i % 9 === 4,
      answers,
    });
  }
  const responseRows = responses.map((r) => ({
    id: r.id,
    campaign_id: campaignId,
    receipt: r.receipt,
    idempotency_key: r.id,
    body_hash: 'x',
    territory_id: r.territoryId,
    organization_type: r.organizationType,
    position: r.position,
    organization_name: r.organizationName,
    client_hash: 'c',
    excluded: r.excluded,
    // microseconds, as now() stores them: a JS Date keeps only ms, which report streaming must not rely on
    created_at: r.createdAt.toISOString().replace('Z', '456Z'),
  }));
  await ds.query(
    `INSERT INTO responses (id, campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position,
                            organization_name, client_hash, excluded, created_at)
     SELECT id, campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position,
            organization_name, client_hash, excluded, created_at
       FROM json_populate_recordset(null::responses, $1::json)`,
    [JSON.stringify(responseRows)],
  );
  const answerRows = responses.flatMap((r) =>
    r.answers.map((a) => ({
      response_id: r.id,
      question_id: a.questionId,
      option_id: a.optionId ?? null,
      value: a.value ?? null,
      text: a.text ?? null,
    })),
  );
  await ds.query(
    `INSERT INTO response_answers (response_id, question_id, option_id, value, text)
     SELECT response_id, question_id, option_id, value, text FROM json_populate_recordset(null::response_answers, $1::json)`,
    [JSON.stringify(answerRows)],
  );

  // expertise: criteria, experts (users + registry profiles), assignments and scores
  // one criterion as long as the real ones (~170 characters), for the PDF's criteria table
  const criteria = [
    'Актуальность',
    'Полнота',
    'Практичность: представленный продукт является практически значимым для всех его пользователей и может стать инструментом совершенствования системы оценки качества',
    'Оформление',
  ].map((t) => ({ id: randomUUID(), text: `${t} ${slug}` }));
  for (const [i, c] of criteria.entries()) {
    await ds.query(`INSERT INTO criteria (id, campaign_id, text, sort_order) VALUES ($1, $2, $3, $4)`, [c.id, campaignId, c.text, i]);
  }
  const experts: ResultsFixture['experts'] = [];
  const expertCount = options.experts ?? 5;
  for (let i = 0; i < expertCount; i++) {
    const id = randomUUID();
    const e = { id, fullName: `Эксперт ${i + 1} ${slug}`, territoryId: active[(i * 3) % active.length].id };
    await ds.query(`INSERT INTO users (id, email, password_hash, role, full_name) VALUES ($1, $2, 'x', 'expert', $3)`, [
      id,
      `expert-${id.slice(0, 8)}@example.org`,
      e.fullName,
    ]);
    await ds.query(
      `INSERT INTO expert_profiles (user_id, status, territory_id, organization_name, position) VALUES ($1, 'approved', $2, 'Школа', 'teacher')`,
      [id, e.territoryId],
    );
    experts.push(e);
  }
  const reviews: FxReview[] = [];
  for (const d of documents) {
    for (const [i, e] of experts.entries()) {
      // the last expert leaves one document as a draft (does not count); expert 2 scores document 1 far from the rest
      const status = i === experts.length - 1 && d === documents[1] ? 'draft' : 'submitted';
      const review: FxReview = {
        assignmentId: randomUUID(),
        documentId: d.id,
        expertId: e.id,
        status,
        recommendation: pick(recommendations).code,
        generalComment: random() < 0.5 ? `${pick(TRICKY_TEXTS)} (общий)` : '',
        scores: criteria.map((c) => ({
          criterionId: c.id,
          score: i === 2 && d === documents[0] ? 0 : random() < 0.6 ? 2 : 1,
          comment: random() < 0.3 ? pick(TRICKY_TEXTS) : '',
        })),
      };
      reviews.push(review);
      await ds.query(
        `INSERT INTO assignments (id, campaign_id, document_id, expert_id, status, recommendation, general_comment, submitted_at, row_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)`,
        [
          review.assignmentId,
          campaignId,
          d.id,
          e.id,
          status,
          review.recommendation,
          review.generalComment,
          status === 'submitted' ? new Date() : null,
        ],
      );
      for (const s of review.scores) {
        await ds.query(`INSERT INTO review_scores (assignment_id, criterion_id, score, comment) VALUES ($1, $2, $3, $4)`, [
          review.assignmentId,
          s.criterionId,
          s.score,
          s.comment,
        ]);
      }
    }
  }
  return {
    campaignId,
    slug,
    title,
    territories,
    organizationTypes,
    positions,
    recommendations,
    documents,
    questions,
    responses,
    criteria,
    experts,
    reviews,
  };
}
