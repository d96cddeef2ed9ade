import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { rng } from './results.factory';

/**
 * A campaign at seed scale for the revision stage, written with direct SQL (independent of the APIs): 2,603
 * responses, of which the counted ones carry exactly `proposals` free-text answers (784 by default), plus text
 * answers on excluded responses that must never count. Texts include near-duplicates (case, ё, punctuation, spaces)
 * and ones that must stay data in HTML, spreadsheets and LIKE patterns. Everything is returned for recomputation.
 */
export interface FxProposal {
  /** the answer id, as the API gives it */
  id: string;
  responseId: string;
  documentId: string | null;
  questionId: string;
  text: string;
  territoryId: string;
  position: string;
  organizationType: string;
  /** of an excluded response: not a proposal */
  excluded: boolean;
}

export interface ProposalsFixture {
  campaignId: string;
  slug: string;
  title: string;
  documents: { id: string; title: string }[];
  textQuestions: { id: string; documentId: string | null; text: string }[];
  territories: { id: string; name: string }[];
  positions: { code: string; name: string }[];
  organizationTypes: { code: string; name: string }[];
  responses: { id: string; excluded: boolean }[];
  /** every text answer, counted or not, in id order */
  answers: FxProposal[];
  /** the counted ones */
  proposals: FxProposal[];
  expertId: string;
}

/** Near-identical variants: each list is one group once normalised. */
export const DUPLICATE_GROUPS = [
  [
    'Добавить больше примеров уроков.',
    'добавить больше примеров уроков',
    'ДОБАВИТЬ  больше примеров, уроков!',
    '«Добавить больше примеров уроков»',
  ],
  ['Учесть ёмкость учебного плана', 'Учесть емкость учебного плана.', 'учесть ёмкость — учебного плана'],
  ['Сократить объём документа', 'сократить объем документа!!!'],
];

const UNIQUE_TEXTS = [
  'Уточнить сроки внедрения',
  '=HYPERLINK("http://evil.example","клик")',
  '<script>alert(1)</script> и «кавычки» & амперсанд',
  '100% готово, но нужен_раздел',
  '+7 (351) 000-00-00 — позвоните',
  '@методисты, посмотрите',
];

export async function buildProposalsCampaign(
  ds: DataSource,
  options: { status?: string; responses?: number; proposals?: number; seed?: number; resultsPublished?: boolean } = {},
): Promise<ProposalsFixture> {
  const random = rng(options.seed ?? 17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const campaignId = randomUUID();
  const slug = `rev-${campaignId.slice(0, 8)}`;
  const title = `Доработка «${slug}»`;
  const territories: { id: string; name: string }[] = await ds.query(`SELECT id, name FROM territories WHERE active ORDER BY sort_order`);
  const positions: { code: string; name: string }[] = await ds.query(`SELECT code, name FROM positions ORDER BY sort_order`);
  const organizationTypes: { code: string; name: string }[] = await ds.query(
    `SELECT code, name FROM organization_types ORDER BY sort_order`,
  );
  await ds.query(
    `INSERT INTO campaigns (id, slug, title, status, criterion_scale, report_recipients, results_published, row_version)
     VALUES ($1, $2, $3, $4, '[{"score":0,"label":"нет"},{"score":1,"label":"частично"},{"score":2,"label":"да"}]'::jsonb, '{}', $5, 1)`,
    [campaignId, slug, title, options.status ?? 'revision', options.resultsPublished ?? false],
  );
  const documents = [0, 1].map((i) => ({ id: randomUUID(), title: `Документ ${i + 1} ${slug}` }));
  for (const [i, d] of documents.entries()) {
    await ds.query(`INSERT INTO documents (id, campaign_id, title, sort_order, current_version_number) VALUES ($1, $2, $3, $4, 2)`, [
      d.id,
      campaignId,
      d.title,
      i,
    ]);
    for (const n of [1, 2]) {
      await ds.query(
        `INSERT INTO document_versions (document_id, number, file_name, content_type, size, sha256, storage_key, notes)
         VALUES ($1, $2, $3, 'application/pdf', 10, 'x', $4, $5)`,
        [d.id, n, `doc-${i + 1}-v${n}.pdf`, `missing/${d.id}/${n}`, n === 2 ? `Доработано по итогам обсуждения (${i + 1})` : ''],
      );
    }
  }
  const textQuestions = [
    { id: randomUUID(), documentId: documents[0].id, text: 'Предложения к документу 1' },
    { id: randomUUID(), documentId: documents[1].id, text: 'Предложения к документу 2' },
    { id: randomUUID(), documentId: null, text: 'Общие предложения' },
  ];
  const single = { id: randomUUID(), optionId: randomUUID() };
  for (const [i, q] of textQuestions.entries()) {
    await ds.query(
      `INSERT INTO questions (id, campaign_id, document_id, kind, text, required, sort_order) VALUES ($1, $2, $3, 'text', $4, false, $5)`,
      [q.id, campaignId, q.documentId, q.text, i + 1],
    );
  }
  await ds.query(
    `INSERT INTO questions (id, campaign_id, kind, text, required, sort_order) VALUES ($1, $2, 'single', 'Знакомы?', false, 0)`,
    [single.id, campaignId],
  );
  await ds.query(`INSERT INTO question_options (id, question_id, text, sort_order) VALUES ($1, $2, 'Да', 0), ($3, $2, 'Нет', 1)`, [
    single.optionId,
    single.id,
    randomUUID(),
  ]);
  // expertise can open: criteria and an expert on every document
  await ds.query(`INSERT INTO criteria (id, campaign_id, text, sort_order) VALUES ($1, $2, 'Полнота', 0)`, [randomUUID(), campaignId]);
  const expertId = randomUUID();
  await ds.query(`INSERT INTO users (id, email, password_hash, role, full_name) VALUES ($1, $2, 'x', 'expert', 'Эксперт Доработки')`, [
    expertId,
    `expert-${expertId.slice(0, 8)}@example.org`,
  ]);
  for (const d of documents) {
    await ds.query(
      `INSERT INTO assignments (id, campaign_id, document_id, expert_id, status, row_version) VALUES ($1, $2, $3, $4, 'assigned', 1)`,
      [randomUUID(), campaignId, d.id, expertId],
    );
  }

  const count = options.responses ?? 2603;
  const wanted = options.proposals ?? 784;
  const responses = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    excluded: i % 37 === 5,
    territoryId: pick(territories.slice(0, 12)).id,
    position: pick(positions.slice(0, 4)).code,
    organizationType: pick(organizationTypes.slice(0, 4)).code,
  }));
  // which counted responses write which text answers: exactly `wanted` of them, spread over the three questions
  const counted = responses.filter((r) => !r.excluded);
  const planned: { responseId: string; questionId: string; text: string }[] = [];
  let n = 0;
  for (let i = 0; planned.length < wanted; i = (i + 7) % counted.length) {
    const question = textQuestions[n % 3];
    const group = DUPLICATE_GROUPS[n % DUPLICATE_GROUPS.length];
    const text =
      n % 5 === 0
        ? group[Math.floor(n / 5) % group.length]
        : n % 11 === 1
          ? `${UNIQUE_TEXTS[n % UNIQUE_TEXTS.length]} ${pad(n)}`
          : `Предложение ${pad(n)}: ${pick(['уточнить', 'дополнить', 'пересмотреть'])} раздел ${n % 9}`;
    if (!planned.some((p) => p.responseId === counted[i].id && p.questionId === question.id)) {
      planned.push({ responseId: counted[i].id, questionId: question.id, text });
      n++;
    } else i++;
  }
  // excluded responses also wrote proposals: they must never count
  for (const r of responses.filter((x) => x.excluded).slice(0, 30)) {
    planned.push({ responseId: r.id, questionId: textQuestions[0].id, text: `Исключённый ответ ${pad(n++)}` });
  }
  await ds.query(
    `INSERT INTO responses (id, campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position, client_hash, excluded)
     SELECT id, campaign_id, receipt, idempotency_key, 'x', territory_id, organization_type, position, 'c', excluded
       FROM json_populate_recordset(null::responses, $1::json)`,
    [
      JSON.stringify(
        responses.map((r, i) => ({
          id: r.id,
          campaign_id: campaignId,
          receipt: `P-${campaignId.slice(0, 6)}-${String(i).padStart(5, '0')}`,
          idempotency_key: r.id,
          territory_id: r.territoryId,
          organization_type: r.organizationType,
          position: r.position,
          excluded: r.excluded,
        })),
      ),
    ],
  );
  // every response answers the single-choice question, so proposals are a part of the answer rows
  const rows = [
    ...responses.map((r) => ({ response_id: r.id, question_id: single.id, option_id: single.optionId, text: null })),
    ...planned.map((p) => ({ response_id: p.responseId, question_id: p.questionId, option_id: null, text: p.text })),
  ];
  await ds.query(
    `INSERT INTO response_answers (response_id, question_id, option_id, text)
     SELECT response_id, question_id, option_id, text FROM json_populate_recordset(null::response_answers, $1::json)`,
    [JSON.stringify(rows)],
  );
  const stored: { id: string; response_id: string; question_id: string; text: string }[] = await ds.query(
    `SELECT a.id::text AS id, a.response_id, a.question_id, a.text FROM response_answers a JOIN responses r ON r.id = a.response_id
      WHERE r.campaign_id = $1 AND a.text IS NOT NULL ORDER BY a.id`,
    [campaignId],
  );
  const byResponse = new Map<string, (typeof responses)[number]>(responses.map((r) => [r.id, r]));
  const answers: FxProposal[] = stored.map((s) => {
    const r = byResponse.get(s.response_id)!;
    return {
      id: s.id,
      responseId: s.response_id,
      documentId: textQuestions.find((q) => q.id === s.question_id)!.documentId,
      questionId: s.question_id,
      text: s.text,
      territoryId: r.territoryId,
      position: r.position,
      organizationType: r.organizationType,
      excluded: r.excluded,
    };
  });
  return {
    campaignId,
    slug,
    title,
    documents,
    textQuestions,
    territories,
    positions,
    organizationTypes,
    responses: responses.map((r) => ({ id: r.id, excluded: r.excluded })),
    answers,
    proposals: answers.filter((a) => !a.excluded),
    expertId,
  };
}

function pad(n: number): string {
  return String(n).padStart(4, '0');
}
