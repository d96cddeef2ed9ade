import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { ScaleLabel } from '../campaigns/entities/campaign.entity';
import { CampaignStatus } from '../campaigns/campaign-status';
import { ConflictError, DomainError, ErrorCode, ValidationError } from '../common/domain-error';
import { iso } from './assignment-rules';
import { AssignmentStatus } from './expert-status';
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
 * under a row lock on the assignment, so two tabs saving at once are serialised and a submitted review stays locked.
 */
@Injectable()
export class ReviewsService {
  private readonly logger = new Logger(ReviewsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async listMine(expertId: string): Promise<MyAssignmentSummary[]> {
    const rows = await this.dataSource.query(
      `SELECT a.id, a.due_at, a.status, a.submitted_at, c.id AS campaign_id, c.title AS campaign_title, c.status AS campaign_status,
              d.id AS document_id, d.title AS document_title,
              (a.status <> 'submitted' AND a.due_at IS NOT NULL AND a.due_at < now()) AS late
         FROM assignments a JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id
         JOIN expert_profiles p ON p.user_id = a.expert_id AND p.status = 'approved'
        WHERE a.expert_id = $1 AND c.status = ANY($2::text[])
        ORDER BY a.due_at NULLS LAST, c.title, d.sort_order, d.title`,
      [expertId, VISIBLE_STAGES],
    );
    return rows.map(summary);
  }

  /** The expert's own assignment, or 404 (another expert's looks exactly like a missing one). */
  async getMine(expertId: string, assignmentId: string, m: EntityManager = this.dataSource.manager): Promise<MyAssignmentDetail> {
    if (!isUuid(assignmentId)) throw new DomainError(ErrorCode.NotFound, 'Назначение не найдено');
    const [row] = await m.query(
      `SELECT a.*, c.title AS campaign_title, c.status AS campaign_status, c.criterion_scale, d.title AS document_title,
              (a.status <> 'submitted' AND a.due_at IS NOT NULL AND a.due_at < now()) AS late
         FROM assignments a JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id
         JOIN expert_profiles p ON p.user_id = a.expert_id AND p.status = 'approved'
        WHERE a.id = $1 AND a.expert_id = $2 AND c.status = ANY($3::text[])`,
      [assignmentId, expertId, VISIBLE_STAGES],
    );
    if (!row) throw new DomainError(ErrorCode.NotFound, 'Назначение не найдено');
    // one after another: `m` may be a transaction's single connection, and pg deprecates queueing queries on one
    // client (the DeprecationWarning this used to print)
    const criteria = await m.query(`SELECT id, text, description FROM criteria WHERE campaign_id = $1 ORDER BY sort_order, id`, [
      row.campaign_id,
    ]);
    const scores = await m.query(`SELECT criterion_id AS "criterionId", score, comment FROM review_scores WHERE assignment_id = $1`, [
      assignmentId,
    ]);
    const recommendations = await m.query(`SELECT code, name FROM recommendations ORDER BY sort_order, code`);
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
    const result = await this.dataSource.transaction(async (m) => {
      if (!isUuid(assignmentId)) throw new DomainError(ErrorCode.NotFound, 'Назначение не найдено');
      const [a] = await m.query(
        `SELECT a.id, a.status, a.campaign_id, c.status AS campaign_status, c.criterion_scale
           FROM assignments a JOIN campaigns c ON c.id = a.campaign_id
           JOIN expert_profiles p ON p.user_id = a.expert_id AND p.status = 'approved'
          WHERE a.id = $1 AND a.expert_id = $2 FOR UPDATE OF a`,
        [assignmentId, expertId],
      );
      if (!a) throw new DomainError(ErrorCode.NotFound, 'Назначение не найдено');
      if (a.campaign_status !== CampaignStatus.Expertise) {
        throw new ConflictError('campaign: оценки принимаются только на этапе экспертизы', ErrorCode.WrongStage);
      }
      if (a.status === AssignmentStatus.Submitted) throw new ConflictError('status: оценка уже отправлена и заблокирована');

      const scale = (a.criterion_scale as ScaleLabel[]).map((s) => s.score);
      const min = Math.min(...scale);
      const max = Math.max(...scale);
      const outOfRange = shape.scores.filter((s) => s.score < min || s.score > max);
      if (outOfRange.length) {
        throw new ValidationError(
          outOfRange.map((s) => `scores[${s.index}].score: оценка должна быть целым числом от ${min} до ${max}`),
          Object.fromEntries(outOfRange.map((s) => [`score_${s.criterionId}`, `выберите оценку от ${min} до ${max}`])),
        );
      }
      const criteria: { id: string; text: string }[] = await m.query(
        `SELECT id, text FROM criteria WHERE campaign_id = $1 ORDER BY sort_order, id`,
        [a.campaign_id],
      );
      const foreign = shape.scores.filter((s) => !criteria.some((c) => c.id === s.criterionId));
      if (foreign.length) {
        throw new DomainError(
          ErrorCode.Unprocessable,
          foreign.map((s) => `scores[${s.index}].criterionId: критерий ${s.criterionId} не относится к этой кампании`),
        );
      }
      if (
        shape.recommendation !== null &&
        !(await m.query(`SELECT 1 FROM recommendations WHERE code = $1`, [shape.recommendation])).length
      ) {
        throw new DomainError(ErrorCode.Unprocessable, `recommendation: неизвестная рекомендация «${shape.recommendation}»`, {
          recommendation: 'выберите рекомендацию из списка',
        });
      }
      if (shape.submit) {
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

      await m.query(`DELETE FROM review_scores WHERE assignment_id = $1 AND NOT (criterion_id = ANY($2::uuid[]))`, [
        assignmentId,
        shape.scores.map((s) => s.criterionId),
      ]);
      for (const s of shape.scores) {
        await m.query(
          `INSERT INTO review_scores (assignment_id, criterion_id, score, comment) VALUES ($1, $2, $3, $4)
           ON CONFLICT (assignment_id, criterion_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment`,
          [assignmentId, s.criterionId, s.score, s.comment],
        );
      }
      const status = shape.submit ? AssignmentStatus.Submitted : AssignmentStatus.Draft;
      await m.query(
        `UPDATE assignments SET status = $2, recommendation = $3, general_comment = $4,
                submitted_at = CASE WHEN $5 THEN now() END, updated_at = now(), row_version = row_version + 1
          WHERE id = $1`,
        [assignmentId, status, shape.recommendation, shape.comment, shape.submit],
      );
      if (shape.submit) {
        await this.audit.record(m, {
          actorId: expertId,
          action: AuditAction.ReviewSubmitted,
          entityType: 'assignment',
          entityId: assignmentId,
          campaignId: a.campaign_id,
          after: {
            scores: shape.scores.map((s) => ({ criterionId: s.criterionId, score: s.score })),
            recommendation: shape.recommendation,
          },
        });
      }
      return this.getMine(expertId, assignmentId, m);
    });
    if (shape.submit) this.logger.log({ assignmentId }, 'review submitted');
    return result;
  }
}

interface ParsedScore {
  index: number;
  criterionId: string;
  score: number;
  comment: string;
}

/** Shape checks (400): every bad field named. Range and campaign checks need the database and come later. */
export function parseShape(input: ReviewInput): { scores: ParsedScore[]; recommendation: string | null; comment: string; submit: boolean } {
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function summary(r: Record<string, any> /* raw SQL row */): MyAssignmentSummary {
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
