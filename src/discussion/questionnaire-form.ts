import { QuestionKind } from '../campaigns/entities/question.entity';
import { CompiledQuestionnaire, Problem, questionField, QuestionDef } from './questionnaire';
import type { FormLists, PublicDocument } from './questionnaire.service';

/**
 * The page form posts flat fields: territoryId, organizationType, position, organizationId (hidden: the picker's
 * choice), organizationName (typed), organizationChoice (a confirmed candidate id, or `typed`), q_<id>.
 */
export type FormBody = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const all = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== '');

/** Turns the posted form into the API's body, so the page and the API go through exactly the same validation. */
export function formToSubmission(q: CompiledQuestionnaire, form: FormBody): unknown {
  const profile: Record<string, string> = {
    territoryId: first(form.territoryId),
    organizationType: first(form.organizationType),
    position: first(form.position),
  };
  if (first(form.organizationId)) profile.organizationId = first(form.organizationId);
  if (first(form.organizationName).trim()) profile.organizationName = first(form.organizationName);
  const answers: Record<string, unknown>[] = [];
  for (const question of q.questions) {
    const raw = form[questionField(question.id)];
    if (question.kind === QuestionKind.Single || question.kind === QuestionKind.Multi) {
      const ids = all(raw);
      if (ids.length) answers.push({ questionId: question.id, optionIds: ids });
    } else if (question.kind === QuestionKind.Scale) {
      const v = first(raw).trim();
      if (v) answers.push({ questionId: question.id, value: /^-?\d{1,9}$/.test(v) ? Number(v) : v });
    } else {
      const text = first(raw);
      if (text.trim()) answers.push({ questionId: question.id, text });
    }
  }
  return { profile, answers };
}

interface Choice {
  inputId: string;
  value: string;
  label: string;
  checked: boolean;
}

/** Everything the questionnaire template shows, with what was typed kept and each problem next to its field. */
export function questionnaireView(
  q: CompiledQuestionnaire,
  documents: PublicDocument[],
  lists: FormLists,
  form: FormBody,
  problems: Problem[],
  candidates: { id: string; name: string }[] = [],
) {
  const errors: Record<string, string> = {};
  for (const p of problems) {
    const message = p.path === 'answers' && p.field.startsWith('q_') ? 'Ответьте на этот вопрос' : p.message;
    errors[p.field] ??= message;
  }
  const selected = (name: string) => new Set(all(form[name]));
  const select = (name: string, items: { code: string; name: string }[]) => {
    const value = first(form[name]);
    return items.map((i) => ({ value: i.code, label: i.name, selected: i.code === value }));
  };
  const territoryId = first(form.territoryId);
  const choice = first(form.organizationChoice);
  const profile = {
    territories: lists.territories.map((t) => ({ value: t.id, label: t.label, selected: t.id === territoryId })),
    organizationTypes: select('organizationType', lists.organizationTypes),
    positions: select('position', lists.positions),
    // the registry is not on the page: the picker loads the chosen territory's list, or the server matches the name
    organizationId: first(form.organizationId),
    organizationName: first(form.organizationName),
    candidates: candidates.map((o, i) => ({ inputId: `organizationChoice_${i}`, value: o.id, label: o.name, checked: o.id === choice })),
  };
  const questionView = (question: QuestionDef, num: number) => {
    const name = questionField(question.id);
    const chosen = selected(name);
    let choices: Choice[] = [];
    if (question.kind === QuestionKind.Single || question.kind === QuestionKind.Multi) {
      choices = question.options.map((o, i) => ({ inputId: `${name}_${i}`, value: o.id, label: o.text, checked: chosen.has(o.id) }));
    } else if (question.kind === QuestionKind.Scale) {
      for (let v = question.scaleMin ?? 1, i = 0; v <= (question.scaleMax ?? 5); v++, i++) {
        const label =
          v === question.scaleMin && question.scaleMinLabel
            ? `${v} — ${question.scaleMinLabel}`
            : v === question.scaleMax && question.scaleMaxLabel
              ? `${v} — ${question.scaleMaxLabel}`
              : String(v);
        choices.push({ inputId: `${name}_${i}`, value: String(v), label, checked: chosen.has(String(v)) });
      }
    }
    return {
      name,
      num,
      text: question.text,
      required: question.required,
      isText: question.kind === QuestionKind.Text,
      inputType: question.kind === QuestionKind.Multi ? 'checkbox' : 'radio',
      hint: question.kind === QuestionKind.Multi ? 'Можно выбрать несколько вариантов' : '',
      choices,
      firstInputId: choices[0]?.inputId ?? name,
      text_value: question.kind === QuestionKind.Text ? first(form[name]) : '',
      maxLength: question.maxLength ?? 4000,
      error: errors[name] ?? '',
    };
  };
  let number = 0;
  const sections = documents
    .map((d) => ({
      title: d.title,
      fileUrl: d.hasFile ? d.fileUrl : '',
      questions: q.questions.filter((x) => x.documentId === d.id).map((x) => questionView(x, ++number)),
    }))
    .filter((s) => s.questions.length);
  const general = q.questions.filter((x) => x.documentId === null).map((x) => questionView(x, ++number));
  if (general.length) sections.push({ title: 'Общие вопросы', fileUrl: '', questions: general });

  const anchor = (field: string): string => {
    if (field === 'organizationId') return 'organizationName';
    for (const s of sections) for (const x of s.questions) if (x.name === field) return x.firstInputId;
    return field;
  };
  const labels: Record<string, string> = {
    territoryId: 'Территория',
    organizationType: 'Тип организации',
    position: 'Должность',
    organizationId: 'Организация',
    organizationName: 'Название организации',
  };
  const questionNumber = new Map(sections.flatMap((s) => s.questions.map((x) => [x.name, x.num] as const)));
  const formErrors = Object.entries(errors).map(([field, message]) => ({
    field: anchor(field),
    message: `${labels[field] ?? (questionNumber.has(field) ? `Вопрос ${questionNumber.get(field)}` : 'Анкета')}: ${message}`,
  }));
  return { profile, sections, errors, formErrors };
}
