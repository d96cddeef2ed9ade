import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ConflictError, DomainError, ErrorCode } from '../common/domain-error';
import { isUuid } from '../common/uuid';
import { iso } from './assignment-rules';
import { ASSIGNMENT_TRANSITIONS, AssignmentAction, AssignmentMoveInput, AssignmentTransition } from './assignment-status';
import { AssignmentScope, AssignmentsRepository, LockedAssignmentRow } from './assignments.repository';
import { ExpertNotificationsService } from './expert-notifications.service';

export interface AssignmentMove extends AssignmentMoveInput {
  /**
   * The caller's own checks and writes, run after the table's checks and before the status changes (a review's
   * scores: checked against the campaign, then stored).
   */
  prepare?: (a: LockedAssignmentRow) => Promise<void>;
}

/** The assignment is missing, or not in the caller's scope (another expert's looks exactly like a missing one). */
export function assignmentNotFound(): DomainError {
  return new DomainError(ErrorCode.NotFound, 'Назначение не найдено');
}

/**
 * The assignment machine (ASSIGNMENT_TRANSITIONS): every status change of an assignment — an expert saving or
 * submitting a review, an organizer reopening one — goes through transition(), in the caller's transaction.
 */
@Injectable()
export class AssignmentLifecycleService {
  constructor(
    private readonly repo: AssignmentsRepository,
    private readonly audit: AuditService,
    private readonly notifications: ExpertNotificationsService,
  ) {}

  /** Locks the assignment in scope for the rest of the transaction, or 404. */
  async lock(m: EntityManager, scope: AssignmentScope): Promise<LockedAssignmentRow> {
    const otherId = 'expertId' in scope ? scope.expertId : scope.campaignId;
    const row = isUuid(scope.id) && isUuid(otherId) ? await this.repo.lock(m, scope) : null;
    if (!row) throw assignmentNotFound();
    return row;
  }

  /** Lock the row, check the move's preconditions in the table's order, apply it, audit it, send its email. */
  async transition(
    m: EntityManager,
    scope: AssignmentScope,
    action: AssignmentAction,
    actorId: string,
    move: AssignmentMove = {},
  ): Promise<LockedAssignmentRow> {
    const a = await this.lock(m, scope);
    const t = ASSIGNMENT_TRANSITIONS[action];
    refuseUnlessAllowed(t, a);
    await move.prepare?.(a);
    await this.repo.applyMove(m, a.id, {
      status: t.to,
      submittedNow: t.submittedAt === 'now',
      review: t.writesReview ? move.review : undefined,
      reopenedReason: t.keepsReason ? move.reason : undefined,
    });
    if (t.audit) {
      await this.audit.record(m, {
        actorId,
        action: t.audit.action,
        entityType: 'assignment',
        entityId: a.id,
        campaignId: a.campaign_id,
        before: t.audit.before?.({ status: a.status, submittedAt: iso(a.submitted_at) }),
        after: t.audit.after(move),
      });
    }
    if (t.email) await this.notifications.queueForAssignment(m, a.id, t.email, { reason: move.reason });
    return a;
  }
}

function refuseUnlessAllowed(t: AssignmentTransition, a: LockedAssignmentRow): void {
  for (const check of t.checks) {
    const ok = check.kind === 'status' ? t.from.includes(a.status) : check.stages.includes(a.campaign_status);
    if (!ok) throw new ConflictError(check.refusal.message, check.refusal.code);
  }
}
