import { hash } from 'node:crypto';
import { QuestionKind } from '../campaigns/entities/question.entity';
import { isUuid } from '../common/uuid';

/** A campaign's questionnaire as loaded once from the database (questions only change in draft). */
export interface QuestionDef {
  id: string;
  documentId: string | null;
  kind: QuestionKind;
  text: string;
  required: boolean;
  scaleMin: number | null;
  scaleMax: number | null;
  scaleMinLabel: string | null;
  scaleMaxLabel: string | null;
  maxLength: number | null;
  options: { id: string; text: string; exclusive: boolean }[];
}

/** The reference data a profile is checked against (a short-lived cache; the write re-checks what can change). */
export interface ReferenceSnapshot {
  activeTerritories: ReadonlySet<string>;
  organizationTypes: ReadonlySet<string>;
  positions: ReadonlySet<string>;
  organizations: ReadonlySet<string>;
}

export interface SubmissionProfile {
  territoryId: string;
  organizationType: string;
  position: string;
  organizationId: string | null;
  organizationName: string | null;
}

/** One stored answer row: an option, a scale value or a text. */
export interface AnswerRow {
  questionId: string;
  optionId: string | null;
  value: number | null;
  text: string | null;
}

export interface ValidSubmission {
  profile: SubmissionProfile;
  rows: AnswerRow[];
  /** sha256 of the canonical body: the same key with another body is refused. */
  bodyHash: string;
}

/**
 * One problem: `path` names the field in the API body, `field` the form field on the page;
 * `status` 400 (malformed or not allowed by the rules) or 422 (well-formed but unacceptable: options).
 */
export interface Problem {
  path: string;
  field: string;
  message: string;
  status: 400 | 422;
}

export type ValidationOutcome = { ok: true; value: ValidSubmission } | { ok: false; problems: Problem[] };

export const DEFAULT_TEXT_MAX_LENGTH = 4000;
export const ORGANIZATION_NAME_MAX_LENGTH = 300;
const PROFILE_KEYS = new Set(['territoryId', 'organizationType', 'position', 'organizationId', 'organizationName']);
const ANSWER_KEYS = new Set(['questionId', 'optionIds', 'value', 'text']);
const BODY_KEYS = new Set(['profile', 'answers']);

export const questionField = (questionId: string) => `q_${questionId}`;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The questionnaire compiled once per campaign into lookup tables, so checking a submission is a few map look-ups
 * (no class-validator on the hot path). Checks everything that can be checked without the database; the write
 * itself re-checks the stage and the territory with the database clock.
 */
export class CompiledQuestionnaire {
  private readonly byId = new Map<string, QuestionDef>();
  private readonly optionsByQuestion = new Map<string, Map<string, { exclusive: boolean }>>();
  readonly required: QuestionDef[];

  constructor(
    readonly campaignId: string,
    readonly questions: QuestionDef[],
  ) {
    for (const q of questions) {
      this.byId.set(q.id, q);
      this.optionsByQuestion.set(q.id, new Map(q.options.map((o) => [o.id.toLowerCase(), { exclusive: o.exclusive }])));
    }
    this.required = questions.filter((q) => q.required);
  }

  question(id: string): QuestionDef | undefined {
    return this.byId.get(id);
  }

  validate(body: unknown, ref: ReferenceSnapshot): ValidationOutcome {
    const problems: Problem[] = [];
    const bad = (path: string, field: string, message: string, status: 400 | 422 = 400) => problems.push({ path, field, message, status });

    if (!isPlainObject(body)) {
      bad('body', 'body', 'ожидается объект {profile, answers}');
      return { ok: false, problems };
    }
    for (const key of Object.keys(body)) if (!BODY_KEYS.has(key)) bad(key, key, 'неизвестное поле');

    const profile = this.validateProfile(body.profile, ref, bad);
    const rows: AnswerRow[] = [];
    const answered = new Set<string>();
    const answers = body.answers;
    if (!Array.isArray(answers)) {
      bad('answers', 'answers', 'ожидается массив ответов');
    } else if (answers.length > this.questions.length) {
      bad('answers', 'answers', `ответов больше, чем вопросов (${this.questions.length})`);
    } else {
      answers.forEach((a, i) => this.validateAnswer(a, `answers[${i}]`, answered, rows, bad));
    }
    if (Array.isArray(answers)) {
      for (const q of this.required) {
        if (!answered.has(q.id)) bad('answers', questionField(q.id), `нет ответа на обязательный вопрос ${q.id}`);
      }
    }
    if (problems.length || !profile) return { ok: false, problems };
    return { ok: true, value: { profile, rows, bodyHash: bodyHash(profile, rows) } };
  }

  private validateProfile(
    raw: unknown,
    ref: ReferenceSnapshot,
    bad: (path: string, field: string, message: string, status?: 400 | 422) => void,
  ): SubmissionProfile | null {
    if (!isPlainObject(raw)) {
      bad('profile', 'profile', 'ожидается объект с territoryId, organizationType, position');
      return null;
    }
    const before = { n: 0 };
    const fail = (path: string, field: string, message: string) => {
      before.n++;
      bad(`profile.${path}`, field, message);
    };
    for (const key of Object.keys(raw)) if (!PROFILE_KEYS.has(key)) fail(key, key, 'неизвестное поле');
    const { territoryId, organizationType, position, organizationId, organizationName } = raw;
    if (territoryId === undefined || territoryId === null || territoryId === '') fail('territoryId', 'territoryId', 'укажите территорию');
    else if (typeof territoryId !== 'string' || !isUuid(territoryId) || !ref.activeTerritories.has(territoryId.toLowerCase()))
      fail('territoryId', 'territoryId', 'неизвестная территория');
    if (organizationType === undefined || organizationType === null || organizationType === '')
      fail('organizationType', 'organizationType', 'укажите тип организации');
    else if (typeof organizationType !== 'string' || !ref.organizationTypes.has(organizationType))
      fail('organizationType', 'organizationType', 'неизвестный тип организации');
    if (position === undefined || position === null || position === '') fail('position', 'position', 'укажите должность');
    else if (typeof position !== 'string' || !ref.positions.has(position)) fail('position', 'position', 'неизвестная должность');
    let orgId: string | null = null;
    if (organizationId !== undefined && organizationId !== null && organizationId !== '') {
      if (typeof organizationId !== 'string' || !isUuid(organizationId) || !ref.organizations.has(organizationId.toLowerCase()))
        fail('organizationId', 'organizationId', 'неизвестная организация');
      else orgId = organizationId.toLowerCase();
    }
    let orgName: string | null = null;
    if (organizationName !== undefined && organizationName !== null) {
      if (typeof organizationName !== 'string') fail('organizationName', 'organizationName', 'ожидается строка');
      else if (organizationName.includes('\u0000')) fail('organizationName', 'organizationName', 'недопустимый символ');
      else if (organizationName.trim().length > ORGANIZATION_NAME_MAX_LENGTH)
        fail('organizationName', 'organizationName', `не длиннее ${ORGANIZATION_NAME_MAX_LENGTH} символов`);
      else orgName = organizationName.trim() || null;
    }
    if (before.n) return null;
    return {
      territoryId: (territoryId as string).toLowerCase(),
      organizationType: organizationType as string,
      position: position as string,
      organizationId: orgId,
      organizationName: orgName,
    };
  }

  private validateAnswer(
    raw: unknown,
    path: string,
    answered: Set<string>,
    rows: AnswerRow[],
    bad: (path: string, field: string, message: string, status?: 400 | 422) => void,
  ): void {
    if (!isPlainObject(raw)) return bad(path, 'answers', 'ожидается объект {questionId, ...}');
    const qid = typeof raw.questionId === 'string' ? raw.questionId.toLowerCase() : null;
    const q = qid ? this.byId.get(qid) : undefined;
    if (!q) {
      return bad(`${path}.questionId`, 'answers', raw.questionId === undefined ? 'укажите вопрос' : 'неизвестный вопрос');
    }
    const field = questionField(q.id);
    let failed = false;
    const fail = (p: string, message: string, status: 400 | 422 = 400) => {
      failed = true;
      bad(`${path}${p}`, field, message, status);
    };
    if (answered.has(q.id)) return fail('.questionId', 'повторный ответ на тот же вопрос');
    answered.add(q.id);
    for (const key of Object.keys(raw)) if (!ANSWER_KEYS.has(key)) fail(`.${key}`, 'неизвестное поле');
    const allowed =
      q.kind === QuestionKind.Single || q.kind === QuestionKind.Multi ? 'optionIds' : q.kind === QuestionKind.Scale ? 'value' : 'text';
    for (const key of ['optionIds', 'value', 'text']) {
      if (key !== allowed && raw[key] !== undefined) fail(`.${key}`, 'не допускается для вопроса этого типа');
    }
    if (failed) return;
    const out: AnswerRow[] = [];
    if (allowed === 'optionIds') {
      const ids = raw.optionIds;
      if (ids === undefined || (Array.isArray(ids) && ids.length === 0)) return this.unanswered(q, answered);
      if (!Array.isArray(ids) || ids.some((v) => typeof v !== 'string'))
        return fail('.optionIds', 'ожидается массив идентификаторов вариантов');
      const options = this.optionsByQuestion.get(q.id)!;
      const seen = new Set<string>();
      let exclusive = false;
      for (const [j, rawId] of (ids as string[]).entries()) {
        const id = rawId.toLowerCase();
        const opt = options.get(id);
        if (!opt) {
          fail(`.optionIds[${j}]`, 'вариант не относится к этому вопросу', 422);
          continue;
        }
        if (seen.has(id)) {
          fail(`.optionIds[${j}]`, 'вариант выбран дважды');
          continue;
        }
        seen.add(id);
        if (opt.exclusive) exclusive = true;
        out.push({ questionId: q.id, optionId: id, value: null, text: null });
      }
      if (failed) return;
      if (q.kind === QuestionKind.Single && out.length > 1) return fail('.optionIds', 'можно выбрать только один вариант', 422);
      if (exclusive && out.length > 1) return fail('.optionIds', 'этот вариант выбирается только отдельно от остальных', 422);
    } else if (allowed === 'value') {
      const v = raw.value;
      if (v === undefined || v === null) return this.unanswered(q, answered);
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return fail('.value', 'ожидается целое число');
      if (v < (q.scaleMin ?? 0) || v > (q.scaleMax ?? 0)) return fail('.value', `значение должно быть от ${q.scaleMin} до ${q.scaleMax}`);
      out.push({ questionId: q.id, optionId: null, value: v, text: null });
    } else {
      const t = raw.text;
      if (t === undefined || t === null) return this.unanswered(q, answered);
      if (typeof t !== 'string') return fail('.text', 'ожидается строка');
      if (t.includes('\u0000')) return fail('.text', 'недопустимый символ');
      const text = t.trim();
      if (!text) return this.unanswered(q, answered);
      const max = q.maxLength ?? DEFAULT_TEXT_MAX_LENGTH;
      if (text.length > max) return fail('.text', `не длиннее ${max} символов`);
      out.push({ questionId: q.id, optionId: null, value: null, text });
    }
    rows.push(...out);
  }

  /** An empty answer counts as none: fine for optional questions, reported once for required ones. */
  private unanswered(q: QuestionDef, answered: Set<string>): void {
    answered.delete(q.id);
  }
}

/** Canonical JSON of what is stored (profile + normalized answers, sorted): a retry with the same content hashes the same. */
export function bodyHash(profile: SubmissionProfile, rows: AnswerRow[]): string {
  // plain code-unit order of precomputed keys: localeCompare (ICU collation) on every comparison was the costliest
  // part of hashing a submission
  const sorted = rows
    .map((r) => ({ key: r.optionId ? `${r.questionId}/${r.optionId}` : r.questionId, row: [r.questionId, r.optionId, r.value, r.text] }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((k) => k.row);
  const canonical = JSON.stringify([
    profile.territoryId,
    profile.organizationType,
    profile.position,
    profile.organizationId,
    profile.organizationName,
    sorted,
  ]);
  return hash('sha256', canonical, 'hex');
}
