import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ScaleLabel } from '../campaigns/entities/campaign.entity';
import { CampaignStatus } from '../campaigns/campaign-status';
import { DomainError, ErrorCode, ValidationError } from '../common/domain-error';
import { iso } from './assignment-rules';
import { AssignmentAction, AssignmentStatus } from './assignment-status';
import { AssignmentLifecycleService, assignmentNotFound } from './assignment-lifecycle.service';
import { LockedAssignmentRow } from './assignments.repository';
import { CriterionRow, MyAssignmentRow, ReviewsRepository } from './reviews.repository';
import { isUuid } from '../common/uuid';
export interface ReviewInput {
  scores?: unknown;
  recommendation?: unknown;
  comment?: unknown;
  submit?: unknown;
}

export interface MyAssignmentSummary {
  id: string;
  campaign: { id: string; title: string; status: CampaignStatus };
  document: { id: string; title: string; fileUrl: string };
  dueAt: string | null;
  status: AssignmentStatus;
  late: boolean;
  submittedAt: string | null;
}

export interface MyAssignmentDetail extends MyAssignmentSummary {
  criteria: { id: string; text: string; description: string }[];
  scale: ScaleLabel[];
  scores: { criterionId: string; score: number; comment: string }[];
  recommendation: string | null;
  comment: string;
  recommendations: { code: string; name: string }[];
  reopenedReason: string | null;
  editable: boolean;
}

export const COMMENT_MAX = 5000;
/** Campaign stages in which an expert sees their assignments (before expertise opens there is nothing to do). */
const VISIBLE_STAGES = [CampaignStatus.Expertise, CampaignStatus.Completed, CampaignStatus.Archived];

/**
 * The expert's side: their assignments and the review of each. Every write is checked at the moment of the write,
 * under a row lock on the assignment (AssignmentLifecycleService), so two tabs saving at once are serialised and a
 * submitted review stays locked.
 */
@Injectable()
export class ReviewsService {
  private readonly logger = new Logger(ReviewsService.name);

  constructor(
    private readonly repo: ReviewsRepository,
    private readonly lifecycle: AssignmentLifecycleService,
  ) {}

  async listMine(expertId: string): Promise<MyAssignmentSummary[]> {
    return (await this.repo.listMine(expertId, VISIBLE_STAGES)).map(summary);
  }

  /** The expert's own assignment, or 404 (another expert's looks exactly like a missing one). */
  async getMine(expertId: string, assignmentId: string, m?: EntityManager): Promise<MyAssignmentDetail> {
    const row = isUuid(assignmentId) ? await this.repo.mine(expertId, assignmentId, VISIBLE_STAGES, m) : null;
    if (!row) throw assignmentNotFound();
    // one after another: `m` may be a transaction's single connection, and pg deprecates queueing queries on one
    // client (the DeprecationWarning this used to print)
    const criteria = await this.repo.criteria(row.campaign_id, m);
    const scores = await this.repo.scores(assignmentId, m);
    const recommendations = await this.repo.recommendations(m);
    return {
      ...summary(row),
      criteria,
      scale: row.criterion_scale,
      scores,
      recommendation: row.recommendation,
      comment: row.general_comment,
      recommendations,
      reopenedReason: row.reopened_reason,
      editable: row.campaign_status === CampaignStatus.Expertise && row.status !== AssignmentStatus.Submitted,
    };
  }

  /** Saves a draft or submits (and locks) the review. Nothing is stored unless every check passes. */
  async saveReview(expertId: string, assignmentId: string, input: ReviewInput): Promise<MyAssignmentDetail> {
    const shape = parseShape(input);
    const action = shape.submit ? AssignmentAction.Submit : AssignmentAction.SaveDraft;
    const result = await this.repo.transaction(async (m) => {
      await this.lifecycle.transition(m, { id: assignmentId, expertId }, action, expertId, {
        review: shape,
        prepare: async (a) => {
          await this.checkContent(m, a, shape);
          await this.repo.replaceScores(m, assignmentId, shape.scores);
        },
      });
      return this.getMine(expertId, assignmentId, m);
    });
    if (shape.submit) this.logger.log({ assignmentId }, 'review submitted');
    return result;
  }

  /** The checks that need the campaign: the scale (400), its criteria and the recommendation code (422), completeness. */
  private async checkContent(m: EntityManager, a: LockedAssignmentRow, shape: ReviewShape): Promise<void> {
    checkScale(a.criterion_scale, shape.scores);
    const criteria = await this.repo.criteria(a.campaign_id, m);
    const foreign = shape.scores.filter((s) => !criteria.some((c) => c.id === s.criterionId));
    if (foreign.length) {
      throw new DomainError(
        ErrorCode.Unprocessable,
        foreign.map((s) => `scores[${s.index}].criterionId: критерий ${s.criterionId} не относится к этой кампании`),
      );
    }
    if (shape.recommendation !== null && !(await this.repo.recommendationExists(shape.recommendation, m))) {
      throw new DomainError(ErrorCode.Unprocessable, `recommendation: неизвестная рекомендация «${shape.recommendation}»`, {
        recommendation: 'выберите рекомендацию из списка',
      });
    }
    if (shape.submit) checkComplete(criteria, shape);
  }
}

function checkScale(scaleLabels: ScaleLabel[], scores: ParsedScore[]): void {
  const scale = scaleLabels.map((s) => s.score);
  const min = Math.min(...scale);
  const max = Math.max(...scale);
  const outOfRange = scores.filter((s) => s.score < min || s.score > max);
  if (outOfRange.length) {
    throw new ValidationError(
      outOfRange.map((s) => `scores[${s.index}].score: оценка должна быть целым числом от ${min} до ${max}`),
      Object.fromEntries(outOfRange.map((s) => [`score_${s.criterionId}`, `выберите оценку от ${min} до ${max}`])),
    );
  }
}

/** On submit: a score per criterion, a comment for each 0, a recommendation (422, each missing thing named). */
function checkComplete(criteria: CriterionRow[], shape: ReviewShape): void {
  const problems: string[] = [];
  const fields: Record<string, string> = {};
  for (const [i, c] of criteria.entries()) {
    const s = shape.scores.find((x) => x.criterionId === c.id);
    if (!s) {
      problems.push(`scores: нет оценки по критерию ${i + 1} «${c.text}»`);
      fields[`score_${c.id}`] = 'выберите оценку';
    } else if (s.score === 0 && !s.comment) {
      problems.push(`scores[${s.index}].comment: при оценке 0 нужен комментарий (критерий ${i + 1})`);
      fields[`comment_${c.id}`] = 'при оценке 0 комментарий обязателен';
    }
  }
  if (!shape.recommendation) {
    problems.push('recommendation: выберите рекомендацию');
    fields.recommendation = 'выберите рекомендацию';
  }
  if (problems.length) throw new DomainError(ErrorCode.Unprocessable, problems, fields);
}

interface ParsedScore {
  index: number;
  criterionId: string;
  score: number;
  comment: string;
}

/** Shape checks (400): every bad field named. Range and campaign checks need the database and come later. */
export interface ReviewShape {
  scores: ParsedScore[];
  recommendation: string | null;
  comment: string;
  submit: boolean;
}

export function parseShape(input: ReviewInput): ReviewShape {
  const problems: string[] = [];
  const fields: Record<string, string> = {};
  const scores: ParsedScore[] = [];
  if (!Array.isArray(input?.scores)) problems.push('scores: должен быть массивом');
  else if (input.scores.length > 100) problems.push('scores: слишком много оценок');
  else {
    const seen = new Set<string>();
    input.scores.forEach((raw: unknown, index: number) => {
      const s = (raw ?? {}) as Record<string, unknown>;
      if (typeof raw !== 'object' || raw === null) return problems.push(`scores[${index}]: должен быть объектом`);
      const criterionId = typeof s.criterionId === 'string' ? s.criterionId : '';
      if (!isUuid(criterionId)) problems.push(`scores[${index}].criterionId: неверный идентификатор критерия`);
      else if (seen.has(criterionId)) problems.push(`scores[${index}].criterionId: критерий указан дважды`);
      seen.add(criterionId);
      if (typeof s.score !== 'number' || !Number.isInteger(s.score)) {
        problems.push(`scores[${index}].score: оценка должна быть целым числом`);
        if (criterionId) fields[`score_${criterionId}`] = 'выберите оценку';
      }
      if (s.comment !== undefined && s.comment !== null && typeof s.comment !== 'string')
        problems.push(`scores[${index}].comment: должен быть строкой`);
      const comment = typeof s.comment === 'string' ? s.comment.trim() : '';
      if (comment.length > COMMENT_MAX) {
        problems.push(`scores[${index}].comment: не более ${COMMENT_MAX} символов`);
        if (criterionId) fields[`comment_${criterionId}`] = `не более ${COMMENT_MAX} символов`;
      }
      scores.push({ index, criterionId, score: s.score as number, comment });
    });
  }
  const rec = input?.recommendation;
  if (rec !== undefined && rec !== null && (typeof rec !== 'string' || rec.length > 100))
    problems.push('recommendation: должна быть строкой (код рекомендации)');
  if (input?.comment !== undefined && input.comment !== null && typeof input.comment !== 'string')
    problems.push('comment: должен быть строкой');
  const comment = typeof input?.comment === 'string' ? input.comment.trim() : '';
  if (comment.length > COMMENT_MAX) {
    problems.push(`comment: не более ${COMMENT_MAX} символов`);
    fields.comment = `не более ${COMMENT_MAX} символов`;
  }
  if (typeof input?.submit !== 'boolean') problems.push('submit: должно быть true или false');
  if (problems.length) throw new ValidationError(problems, fields);
  return { scores, recommendation: typeof rec === 'string' && rec ? rec : null, comment, submit: input.submit as boolean };
}

function summary(r: MyAssignmentRow): MyAssignmentSummary {
  return {
    id: r.id,
    campaign: { id: r.campaign_id, title: r.campaign_title, status: r.campaign_status },
    document: { id: r.document_id, title: r.document_title, fileUrl: `/files/documents/${r.document_id}` },
    dueAt: iso(r.due_at),
    status: r.status,
    late: r.late,
    submittedAt: iso(r.submitted_at),
  };
}
