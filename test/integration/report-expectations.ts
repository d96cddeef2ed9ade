import type ExcelJS from 'exceljs';
import type { DataSource } from 'typeorm';
import type { ResultsFixture } from '../factories/results.factory';

/**
 * What the report files must hold, recomputed from the fixture's inserted rows without the product's code. The
 * region's time is UTC+5 all year (Asia/Yekaterinburg, the default DISPLAY_TIME_ZONE).
 */
const OFFSET_MS = 5 * 3600_000;

export const TERRITORY_KINDS: Record<string, string> = { urban_okrug: 'Городской округ', municipal_district: 'Муниципальный район' };

/** What a spreadsheet cell must hold for a text: formula starters neutralised with a leading apostrophe. */
export const safe = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/** A date cell's value: the local wall clock as a Date's UTC fields. */
export const wallClock = (ms: number) => new Date(ms + OFFSET_MS);

/** `ДД.ММ.ГГГГ ЧЧ:ММ` local time. */
export function localDateTime(ms: number): string {
  const d = wallClock(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}.${p(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/** The raw table: one row per counted response in (created_at, id) order; the time as ms, a scale answer a number. */
export function expectedRaw(fx: ResultsFixture): { header: string[]; rows: (string | number)[][] } {
  const header = [
    'Квитанция',
    'Дата и время',
    'Территория',
    'Тип территории',
    'Тип организации',
    'Должность',
    'Организация',
    ...fx.questions.map((q) => (q.documentId ? `${fx.documents.find((d) => d.id === q.documentId)!.title}: ${q.text}` : q.text)),
  ].map(safe);
  const rows = fx.responses
    .filter((r) => !r.excluded)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    .map((r) => {
      const t = fx.territories.find((x) => x.id === r.territoryId)!;
      const cells = fx.questions.map((q): string | number => {
        const own = r.answers.filter((a) => a.questionId === q.id);
        if (!own.length) return '';
        if (q.kind === 'single' || q.kind === 'multi')
          return safe(
            q.options
              .filter((o) => own.some((a) => a.optionId === o.id))
              .map((o) => o.text)
              .join('; '),
          );
        if (q.kind === 'scale') return own[0].value!;
        return safe(own[0].text!);
      });
      return [
        safe(r.receipt),
        r.createdAt.getTime(),
        safe(t.name),
        TERRITORY_KINDS[t.kind],
        fx.organizationTypes.find((o) => o.code === r.organizationType)!.name,
        fx.positions.find((p) => p.code === r.position)!.name,
        safe(r.organizationName ?? ''),
        ...cells,
      ];
    });
  return { header, rows };
}

/** The headline figures recomputed from the fixture. */
export function figures(fx: ResultsFixture) {
  const counted = fx.responses.filter((r) => !r.excluded);
  const active = fx.territories.filter((t) => t.active);
  const covered = active.filter((t) => counted.some((r) => r.territoryId === t.id));
  const submitted = fx.reviews.filter((r) => r.status === 'submitted');
  return { counted, active, covered, submitted, experts: new Set(submitted.map((r) => r.expertId)).size };
}

/** A sheet's rows as arrays of values (column A first), empty cells null, trailing empty cells dropped. */
export function cellRows(ws: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => {
    const values = Array.from((row.values as unknown[]).slice(1), (v) => (v === undefined || v === '' ? null : v));
    while (values.length && values[values.length - 1] === null) values.pop();
    rows.push(values);
  });
  return rows;
}

/** Every code value the database and the product's enums know, none of which a report may show. */
export async function codeValues(ds: DataSource): Promise<string[]> {
  const rows: { code: string }[] = await ds.query(
    `SELECT code FROM organization_types UNION SELECT code FROM positions UNION SELECT code FROM recommendations
     UNION SELECT DISTINCT kind FROM territories UNION SELECT DISTINCT kind FROM questions UNION SELECT DISTINCT status FROM campaigns`,
  );
  return [
    ...rows.map((r) => r.code),
    'single',
    'multi',
    'scale',
    'text',
    'municipal_okrug',
    'draft',
    'discussion',
    'revision',
    'expertise',
  ];
}

export const DECISION_LABELS: Record<string, string> = {
  accepted: 'учтено',
  partially: 'учтено частично',
  rejected: 'не учтено',
  not_applicable: 'не относится к документу',
};
export const UNDECIDED = 'решение не принято';

/** The header of a sheet of proposals: the organizer's «Сводка предложений» file and the full report's sheet. */
export const PROPOSALS_HEADER = [
  '№',
  'Документ',
  'Вопрос',
  'Предложение',
  'Территория',
  'Должность',
  'Тип организации',
  'Решение',
  'Обоснование',
  'Дата решения',
];

/** A decision the test stored, by `${responseId}|${questionId}` (one text answer per response and question). */
export type StoredDecisions = Map<string, { decision: string; justification: string | null }>;

/**
 * Decides the fixture's text answers with plain SQL (no product code): by answer id order, every fifth one left
 * undecided and the others cycling through the four decisions; one answer of an excluded response decided too (it
 * must show nowhere). Returns the decisions of the counted answers.
 */
export async function decideProposals(ds: DataSource, fx: ResultsFixture): Promise<StoredDecisions> {
  const answers: { id: string; response_id: string; question_id: string; excluded: boolean }[] = await ds.query(
    `SELECT a.id::text AS id, a.response_id, a.question_id, r.excluded FROM response_answers a JOIN responses r ON r.id = a.response_id
      WHERE r.campaign_id = $1 AND a.text IS NOT NULL ORDER BY a.id`,
    [fx.campaignId],
  );
  const decisions: StoredDecisions = new Map();
  const cycle = ['accepted', 'partially', 'rejected', 'not_applicable'];
  const counted = answers.filter((a) => !a.excluded);
  const chosen = [...counted.filter((_, k) => k % 5 !== 4), answers.find((a) => a.excluded)!];
  for (const [k, a] of chosen.entries()) {
    const decision = cycle[k % 4];
    const justification =
      decision === 'partially' || decision === 'rejected' ? `=Обоснование ${k}` : k % 3 ? null : `Учтено в разделе ${k}`;
    await ds.query(
      `INSERT INTO proposal_decisions (response_id, answer_id, decision, justification, decided_at) VALUES ($1, $2, $3, $4, now())`,
      [a.response_id, a.id, decision, justification],
    );
    if (!a.excluded) decisions.set(`${a.response_id}|${a.question_id}`, { decision, justification });
  }
  return decisions;
}

export interface ExpectedProposal {
  document: string;
  question: string;
  text: string;
  territory: string;
  position: string;
  organizationType: string;
  decision: string;
  justification: string;
  decided: boolean;
}

/** Every proposal (a text answer of a counted response) in summary order: documents, then insertion (= answer id). */
export function expectedProposals(fx: ResultsFixture, decisions: StoredDecisions): ExpectedProposal[] {
  const textQuestions = fx.questions.filter((q) => q.kind === 'text');
  return fx.documents.flatMap((d) =>
    textQuestions
      .filter((q) => q.documentId === d.id)
      .flatMap((q) =>
        fx.responses
          .filter((r) => !r.excluded)
          .flatMap((r) => r.answers.filter((a) => a.questionId === q.id && a.text).map((a) => ({ r, q, text: a.text! }))),
      )
      .map(({ r, q, text }) => {
        const stored = decisions.get(`${r.id}|${q.id}`);
        return {
          document: d.title,
          question: q.text,
          text,
          territory: fx.territories.find((t) => t.id === r.territoryId)!.name,
          position: fx.positions.find((p) => p.code === r.position)!.name,
          organizationType: fx.organizationTypes.find((o) => o.code === r.organizationType)!.name,
          decision: stored ? DECISION_LABELS[stored.decision] : UNDECIDED,
          justification: stored?.justification ?? '',
          decided: !!stored,
        };
      }),
  );
}

/** «Предложений: N. учтено — a; …; решение не принято — u.» as the summary prints each document's figures. */
export function figuresLine(list: readonly ExpectedProposal[]): string {
  const count = (label: string) => list.filter((p) => p.decision === label).length;
  const parts = [...Object.values(DECISION_LABELS), UNDECIDED].map((label) => `${label} — ${count(label)}`);
  return `Предложений: ${list.length}. ${parts.join('; ')}.`;
}
