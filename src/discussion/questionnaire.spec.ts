import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { QuestionKind } from '../campaigns/entities/question.entity';
import { CompiledQuestionnaire, QuestionDef, ReferenceSnapshot } from './questionnaire';
import { newReceipt, RECEIPT_RE } from './receipt';

const opt = (exclusive = false) => ({ id: randomUUID(), text: 'вариант', exclusive });
const base = {
  documentId: null,
  text: 'Вопрос',
  scaleMin: null,
  scaleMax: null,
  scaleMinLabel: null,
  scaleMaxLabel: null,
  maxLength: null,
};
const questions: QuestionDef[] = [
  { ...base, id: randomUUID(), kind: QuestionKind.Multi, required: true, options: [opt(), opt(), opt(), opt(true)] },
  { ...base, id: randomUUID(), kind: QuestionKind.Single, required: true, options: [opt(), opt()] },
  { ...base, id: randomUUID(), kind: QuestionKind.Scale, required: true, scaleMin: 1, scaleMax: 5, options: [] },
  { ...base, id: randomUUID(), kind: QuestionKind.Text, required: false, maxLength: 50, options: [] },
];
const territory = randomUUID();
const ref: ReferenceSnapshot = {
  activeTerritories: new Set([territory]),
  organizationTypes: new Set(['school']),
  positions: new Set(['teacher']),
  organizations: new Set(),
};
const q = new CompiledQuestionnaire(randomUUID(), questions);
const profile = { territoryId: territory, organizationType: 'school', position: 'teacher' };

/** Any acceptable answer set: a non-empty subset of ordinary options (or the exclusive one alone), a scale value, a text. */
const validAnswers = fc.record({
  multi: fc.oneof(fc.constant<number[]>([3]), fc.subarray([0, 1, 2], { minLength: 1 })),
  single: fc.integer({ min: 0, max: 1 }),
  scale: fc.integer({ min: 1, max: 5 }),
  text: fc.option(fc.string({ minLength: 1, maxLength: 50 }).filter((s) => !s.includes('\u0000') && s.trim().length > 0)),
});

function body(a: { multi: readonly number[]; single: number; scale: number; text: string | null }) {
  const answers: Record<string, unknown>[] = [
    { questionId: questions[0].id, optionIds: a.multi.map((i) => questions[0].options[i].id) },
    { questionId: questions[1].id, optionIds: [questions[1].options[a.single].id] },
    { questionId: questions[2].id, value: a.scale },
  ];
  if (a.text !== null) answers.push({ questionId: questions[3].id, text: a.text });
  return { profile, answers };
}

describe('CompiledQuestionnaire', () => {
  it('accepts every acceptable questionnaire, storing one row per chosen option', () => {
    fc.assert(
      fc.property(validAnswers, (a) => {
        const out = q.validate(body(a), ref);
        expect(out.ok).toBe(true);
        if (out.ok) expect(out.value.rows).toHaveLength(a.multi.length + 2 + (a.text === null ? 0 : 1));
      }),
    );
  });

  it('hashes the same content the same whatever the order of answers and options', () => {
    fc.assert(
      fc.property(validAnswers, (a) => {
        const b1 = body(a);
        const b2 = {
          profile,
          answers: [...b1.answers].reverse().map((x) => (Array.isArray(x.optionIds) ? { ...x, optionIds: [...x.optionIds].reverse() } : x)),
        };
        const h1 = q.validate(b1, ref);
        const h2 = q.validate(b2, ref);
        expect(h1.ok && h2.ok && h1.value.bodyHash === h2.value.bodyHash).toBe(true);
      }),
    );
  });

  it('refuses any unknown top-level, profile or answer field', () => {
    fc.assert(
      fc.property(
        validAnswers,
        fc
          .string({ minLength: 1, maxLength: 10 })
          .filter((k) => !['profile', 'answers', 'questionId', 'optionIds', 'value', 'text', '__proto__'].includes(k)),
        fc.integer({ min: 0, max: 2 }),
        (a, key, where) => {
          const b = body(a) as Record<string, unknown> & { profile: Record<string, unknown>; answers: Record<string, unknown>[] };
          if (where === 0) b[key] = 1;
          else if (where === 1 && !['territoryId', 'organizationType', 'position', 'organizationId', 'organizationName'].includes(key))
            b.profile = { ...b.profile, [key]: 1 };
          else if (where === 2) b.answers[0] = { ...b.answers[0], [key]: 1 };
          else return;
          const out = q.validate(b, ref);
          expect(out.ok).toBe(false);
          if (!out.ok) expect(out.problems.map((p) => p.message)).toContain('неизвестное поле');
        },
      ),
    );
  });

  it('never accepts a scale value outside its bounds or not an integer', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer().filter((v) => v < 1 || v > 5),
          fc.double().filter((v) => !Number.isInteger(v)),
        ),
        (v) => {
          const b = body({ multi: [0], single: 0, scale: 3, text: null });
          b.answers[2] = { questionId: questions[2].id, value: v };
          expect(q.validate(b, ref).ok).toBe(false);
        },
      ),
    );
  });

  it('issues receipts like R-XXXX-XXXX in Crockford base32', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const r = newReceipt();
      expect(r).toMatch(RECEIPT_RE);
      seen.add(r);
    }
    expect(seen.size).toBe(1000);
  });
});
