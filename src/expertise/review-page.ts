import { DomainError } from '../common/domain-error';
import { flashFor, refusalText } from '../common/page-form';
import { SummaryDocumentView } from '../proposals/proposals-summary.service';
import { assignmentStatusLabel, expertiseClosed } from './assignment-status';
import { MyAssignmentDetail } from './reviews.service';

type Form = Record<string, unknown>;

export interface PostedScore {
  criterionId: string;
  score: number;
  comment: string;
}

/** After post/redirect/get, by `?saved=<code>`. */
const SAVED: Record<string, string> = { draft: 'Черновик сохранён.', submitted: 'Оценка отправлена. Спасибо!' };

/** The scores a posted review form carries: the criteria with a score chosen, each with its comment. */
export function postedScores(a: MyAssignmentDetail, form: Form): PostedScore[] {
  return a.criteria
    .filter((c) => form[`score_${c.id}`] !== undefined && form[`score_${c.id}`] !== '')
    .map((c) => ({ criterionId: c.id, score: Number(form[`score_${c.id}`]), comment: String(form[`comment_${c.id}`] ?? '') }));
}

/** Whether a posted review would pass the final submit's completeness rules (every criterion, comments on 0s, a recommendation). */
export function reviewComplete(a: MyAssignmentDetail, scores: PostedScore[], recommendation: unknown): boolean {
  const byId = new Map(scores.map((s) => [s.criterionId, s]));
  const scored = a.criteria.every((c) => byId.has(c.id) && (byId.get(c.id)!.score !== 0 || byId.get(c.id)!.comment.trim() !== ''));
  return scored && typeof recommendation === 'string' && recommendation !== '';
}

/** The criteria as the form shows them: the values just posted (when refused) or the stored review, with their errors. */
function criterionRows(a: MyAssignmentDetail, form?: Form, error?: DomainError) {
  const stored = new Map(a.scores.map((s) => [s.criterionId, s]));
  return a.criteria.map((c, i) => {
    const score = form ? String(form[`score_${c.id}`] ?? '') : stored.has(c.id) ? String(stored.get(c.id)!.score) : '';
    const comment = form ? String(form[`comment_${c.id}`] ?? '') : (stored.get(c.id)?.comment ?? '');
    return {
      ...c,
      number: i + 1,
      comment,
      scoreLabel: a.scale.find((s) => String(s.score) === score)?.label ?? '',
      score,
      options: a.scale.map((s) => ({ ...s, checked: String(s.score) === score })),
      scoreError: error?.fieldErrors[`score_${c.id}`],
      commentError: error?.fieldErrors[`comment_${c.id}`],
    };
  });
}

/** The banner and the summary of a refused review: each entry links to its field and names its criterion by number. */
function reviewRefusal(a: MyAssignmentDetail, criteria: ReturnType<typeof criterionRows>, error?: DomainError) {
  if (!error) return { formError: undefined, formErrors: undefined };
  const anchor = (field: string) =>
    field.startsWith('score_') ? `${field}_0` : field === 'recommendation' ? `recommendation_${a.recommendations[0]?.code}` : field;
  const criterionOf = (field: string) => criteria.find((c) => field.endsWith(c.id));
  return {
    formError: `Оценка не сохранена: ${error.status === 400 || error.status === 422 ? 'исправьте ошибки, отмеченные ниже.' : refusalText(error)}`,
    formErrors: Object.entries(error.fieldErrors).map(([field, message]) => ({
      field: anchor(field),
      message: `${criterionOf(field) ? `Критерий ${criterionOf(field)!.number}: ` : ''}${message}`,
    })),
  };
}

/** The expert's review page: the document, what changed since the discussion, the form (stored or as posted). */
export function reviewPageModel(
  a: MyAssignmentDetail,
  changes: SummaryDocumentView[],
  form?: Form,
  error?: DomainError,
  saved?: string,
): Record<string, unknown> {
  const criteria = criterionRows(a, form, error);
  const recommendation = form ? String(form.recommendation ?? '') : (a.recommendation ?? '');
  const fieldErrors = error?.fieldErrors ?? {};
  return {
    title: a.document.title,
    a,
    proposalsSummary: changes,
    statusLabel: assignmentStatusLabel(a.status, a.campaign.status),
    closed: expertiseClosed(a.campaign.status),
    criteria,
    recommendations: a.recommendations.map((r) => ({ ...r, checked: r.code === recommendation })),
    recommendationName: a.recommendations.find((r) => r.code === recommendation)?.name ?? '',
    recommendationError: fieldErrors.recommendation,
    comment: form ? String(form.comment ?? '') : a.comment,
    commentError: fieldErrors.comment,
    flash: flashFor(saved, SAVED),
    ...reviewRefusal(a, criteria, error),
  };
}
