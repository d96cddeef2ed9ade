import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, ErrorCode } from './domain-error';
import { formRefusal } from './form-refusal';
import { pageContext } from './page-context';
import { ViewService } from './view.service';

/**
 * The page toolkit, one way for every organizer and expert page:
 *  - sendPage: render a template with the layout's context;
 *  - postRedirectGet / submitForm: run a form's action, then 303 (or the next page) when done, the form again when refused;
 *  - flashFor: the success message after post/redirect/get, by a code in the query string (never its text);
 *  - refusalView: a refused form's banner and per-field messages in plain Russian, each field named by its label;
 *  - fieldRefusalView: the same for services that word each field's message for the page themselves (`fieldErrors`);
 *  - confirmation: an irreversible step needs `confirm=yes` in the post, or the page that states the consequence.
 */
export const HTML = 'text/html; charset=utf-8';

export function sendPage(
  reply: FastifyReply,
  views: ViewService,
  req: FastifyRequest,
  template: string,
  context: Record<string, unknown>,
  status = 200,
) {
  return reply
    .status(status)
    .type(HTML)
    .send(views.render(template, pageContext(req, context)));
}

/**
 * Runs a form's action. Done → `done(result)` (a redirect, or a confirmation page); refused (a DomainError the user
 * can act on) → `refused(err)`, which shows the form again. Faults and 404s go on to the error filter (formRefusal).
 */
export async function submitForm<T>(
  action: () => Promise<T>,
  done: (result: T) => unknown,
  refused: (err: DomainError) => unknown,
): Promise<unknown> {
  let result: T;
  try {
    result = await action();
  } catch (err) {
    return refused(formRefusal(err));
  }
  return done(result);
}

/** Post/redirect/get: done → 303 to `next` (the page with `?done=<code>`); refused → `refused(err)`. */
export function postRedirectGet<T>(
  reply: FastifyReply,
  action: () => Promise<T>,
  next: string | ((result: T) => string),
  refused: (err: DomainError) => unknown,
): Promise<unknown> {
  return submitForm(action, (result) => reply.redirect(typeof next === 'string' ? next : next(result), 303), refused);
}

/** A page whose body its owner rendered (and cached) itself, inside the layout with the request's context. */
export function sendInLayout(
  reply: FastifyReply,
  views: ViewService,
  req: FastifyRequest,
  body: string,
  context: Record<string, unknown>,
  status = 200,
) {
  return reply
    .status(status)
    .type(HTML)
    .send(views.inLayout(body, pageContext(req, context)));
}

export function flashFor(done: unknown, messages: Record<string, string>): { kind: 'success'; message: string } | undefined {
  return typeof done === 'string' && Object.hasOwn(messages, done) ? { kind: 'success', message: messages[done] } : undefined;
}

/** A form field's label, by the field key the API and the services use (`reason`, `discussion.closesAt`, `file`). */
export type FieldLabels = Record<string, string>;

export interface RefusalView {
  status: number;
  /** The banner: never empty. */
  formError: string;
  /** The summary list: each entry links to its field when there is one. */
  formErrors: { field: string; message: string }[];
  /** By field key: the message next to the field. */
  errors: Record<string, string>;
}

const BANNER: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.ValidationFailed]: 'Проверьте введённые данные.',
  [ErrorCode.UnsupportedFile]: 'Файл не принят.',
  [ErrorCode.PayloadTooLarge]: 'Файл слишком большой.',
  [ErrorCode.Unprocessable]: 'Действие не выполнено.',
  [ErrorCode.ConflictOfInterest]: 'Назначение не создано: есть конфликт интересов.',
  [ErrorCode.RateLimited]: 'Слишком много попыток. Повторите позже.',
};

/** A lower-case first letter goes after the label's colon; keep the message itself otherwise. */
function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/**
 * "discussion.closesAt: дата должна быть позже…" → the key and the text. Keys are ASCII identifiers with dots,
 * brackets or digits; checked by length first, and the pattern is linear (no nested quantifiers).
 */
export function splitFieldMessage(message: string): { key: string | null; text: string } {
  const colon = message.indexOf(': ');
  if (colon <= 0 || colon > 80) return { key: null, text: message };
  const key = message.slice(0, colon);
  return /^[A-Za-z_][\w.[\]]*$/.test(key) ? { key, text: message.slice(colon + 2) } : { key: null, text: message };
}

/**
 * Turns a refusal into what a page shows. Messages that start with a field key lose the key: the text goes next to
 * the field (when the form has it) and into the summary under the field's label; a key the form does not know is
 * dropped from the text rather than shown. Nothing here reads the message to decide anything: branching is on `code`.
 */
export function refusalView(err: unknown, labels: FieldLabels = {}, banner?: string): RefusalView {
  const refusal = formRefusal(err);
  const errors: Record<string, string> = {};
  const formErrors: { field: string; message: string }[] = [];
  const put = (key: string | null, text: string) => {
    const label = key ? labelFor(key, labels) : null;
    if (key && label) {
      errors[key] ??= capitalise(text);
      formErrors.push({ field: key, message: `${label}: ${text}` });
    } else formErrors.push({ field: '', message: capitalise(text) });
  };
  for (const [key, text] of Object.entries(refusal.fieldErrors)) put(key, text);
  if (!Object.keys(refusal.fieldErrors).length) {
    for (const message of ([] as string[]).concat(refusal.messages)) {
      const { key, text } = splitFieldMessage(message);
      put(key, text);
    }
  }
  const fallback = refusal.isStateConflict ? 'Действие сейчас невозможно.' : 'Действие не выполнено.';
  return { status: refusal.status, formError: banner ?? BANNER[refusal.code] ?? fallback, formErrors, errors };
}

/** The summary list of a form's messages by field, each linking to its field's element (`anchor`: key → element id). */
export function errorSummary(errors: Record<string, string>, anchor: (field: string) => string = (field) => field) {
  return Object.entries(errors).map(([field, message]) => ({ field: anchor(field), message }));
}

/**
 * A refused form whose service words each field's message for the page itself (`fieldErrors`: the administration's
 * forms, the expert application): the messages as they are, next to their fields and in the summary, under the
 * form's own banner.
 */
export function fieldRefusalView(err: DomainError, formError: string, anchor?: (field: string) => string): RefusalView {
  return { status: err.status, formError, formErrors: errorSummary(err.fieldErrors, anchor), errors: err.fieldErrors };
}

/** A refusal's text for a banner: the API's field keys taken off (`campaign: оценки принимаются…` → `оценки принимаются…`). */
export function refusalText(err: DomainError): string {
  return ([] as string[])
    .concat(err.messages)
    .map((m) => splitFieldMessage(m).text)
    .join('; ');
}

/** `discussion.closesAt` is labelled by its own entry or by its last part (`closesAt`). */
function labelFor(key: string, labels: FieldLabels): string | null {
  if (labels[key]) return labels[key];
  const last = key
    .split('.')
    .pop()!
    .replace(/\[\d+\]$/, '');
  return labels[last] ?? null;
}

/** Whether the post carries the confirmation of an irreversible step (a checkbox or the confirm page's button). */
export function isConfirmed(body: Record<string, unknown> | undefined): boolean {
  return body?.confirm === 'yes';
}

export interface ConfirmPage {
  title: string;
  /** What happens, in words: shown before the button. */
  consequence: string;
  /** Details: what is missing, what will be lost. */
  details?: string[];
  action: string;
  /** The fields of the original post, re-sent with confirm=yes. */
  fields: Record<string, unknown>;
  confirmLabel: string;
  cancelUrl: string;
  danger?: boolean;
}

/** The confirmation page of an irreversible step: the consequence, then a button that re-posts with confirm=yes. */
export function sendConfirmPage(reply: FastifyReply, views: ViewService, req: FastifyRequest, page: ConfirmPage) {
  const hidden: { name: string; value: string }[] = [];
  for (const [name, value] of Object.entries(page.fields)) {
    if (name === '_csrf' || name === 'confirm') continue;
    for (const v of ([] as unknown[]).concat(value ?? [])) if (typeof v === 'string') hidden.push({ name, value: v });
  }
  return sendPage(reply, views, req, 'pages/confirm', { ...page, hidden }, 200);
}
