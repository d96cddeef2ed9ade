import { AuditAction } from '../audit/audit-action';
import { CampaignStatus } from '../campaigns/campaign-status';
import { ErrorCode } from '../common/domain-error';

/** An assignment's review lifecycle (docs/expertise.md «Reviews»). */
export enum AssignmentStatus {
  Assigned = 'assigned',
  Draft = 'draft',
  Submitted = 'submitted',
}

/** The moves of a review: the expert saves or submits it, the organizer reopens a submitted one. */
export enum AssignmentAction {
  SaveDraft = 'save_draft',
  Submit = 'submit',
  Reopen = 'reopen',
}

export interface AssignmentRefusal {
  code: ErrorCode;
  message: string;
}

/** A precondition of a move; a move's checks run in the order listed (the order of refusals the API documents). */
export type AssignmentCheck =
  { kind: 'status'; refusal: AssignmentRefusal } | { kind: 'stage'; stages: readonly CampaignStatus[]; refusal: AssignmentRefusal };

/** What a move carries besides its action: the organizer's reason, or the expert's review. */
export interface AssignmentMoveInput {
  reason?: string;
  review?: { scores: { criterionId: string; score: number }[]; recommendation: string | null; comment: string };
}

/** The row as it was before the move (for the audit's `before`). */
export interface AssignmentBefore {
  status: AssignmentStatus;
  submittedAt: string | null;
}

export interface AssignmentTransition {
  from: readonly AssignmentStatus[];
  to: AssignmentStatus;
  checks: readonly AssignmentCheck[];
  /** `submitted_at` after the move: stamped now, or cleared. */
  submittedAt: 'now' | 'clear';
  /** The move writes the expert's recommendation and general comment. */
  writesReview: boolean;
  /** The move keeps the organizer's reason in `reopened_reason`. */
  keepsReason: boolean;
  audit?: {
    action: AuditAction;
    before?: (a: AssignmentBefore) => Record<string, unknown>;
    after: (move: AssignmentMoveInput) => Record<string, unknown>;
  };
  /** The email to the expert, queued in the same transaction (the move's reason goes into it). */
  email?: 'expert-reopened';
}

const EXPERTISE_ONLY = [CampaignStatus.Expertise];
const REVIEW_LOCKED: AssignmentRefusal = { code: ErrorCode.Conflict, message: 'status: оценка уже отправлена и заблокирована' };
const REVIEW_STAGE: AssignmentRefusal = { code: ErrorCode.WrongStage, message: 'campaign: оценки принимаются только на этапе экспертизы' };
const EDITABLE = [AssignmentStatus.Assigned, AssignmentStatus.Draft];
/** An expert's save or submit: the stage first, then the review's own status. */
const REVIEW_CHECKS: readonly AssignmentCheck[] = [
  { kind: 'stage', stages: EXPERTISE_ONLY, refusal: REVIEW_STAGE },
  { kind: 'status', refusal: REVIEW_LOCKED },
];

/** The assignment machine, keyed by action; used only by AssignmentLifecycleService.transition. */
export const ASSIGNMENT_TRANSITIONS: Readonly<Record<AssignmentAction, AssignmentTransition>> = {
  [AssignmentAction.SaveDraft]: {
    from: EDITABLE,
    to: AssignmentStatus.Draft,
    checks: REVIEW_CHECKS,
    submittedAt: 'clear',
    writesReview: true,
    keepsReason: false,
  },
  [AssignmentAction.Submit]: {
    from: EDITABLE,
    to: AssignmentStatus.Submitted,
    checks: REVIEW_CHECKS,
    submittedAt: 'now',
    writesReview: true,
    keepsReason: false,
    audit: {
      action: AuditAction.ReviewSubmitted,
      after: (move) => ({
        scores: move.review!.scores.map((s) => ({ criterionId: s.criterionId, score: s.score })),
        recommendation: move.review!.recommendation,
      }),
    },
  },
  [AssignmentAction.Reopen]: {
    from: [AssignmentStatus.Submitted],
    to: AssignmentStatus.Draft,
    checks: [
      {
        kind: 'status',
        refusal: { code: ErrorCode.TransitionRefused, message: 'status: вернуть на доработку можно только отправленную оценку' },
      },
      {
        kind: 'stage',
        stages: EXPERTISE_ONLY,
        refusal: { code: ErrorCode.WrongStage, message: 'campaign: вернуть оценку можно только на этапе экспертизы' },
      },
    ],
    submittedAt: 'clear',
    writesReview: false,
    keepsReason: true,
    audit: {
      action: AuditAction.ReviewReopened,
      before: (a) => ({ status: a.status, submittedAt: a.submittedAt }),
      after: (move) => ({ status: AssignmentStatus.Draft, reason: move.reason }),
    },
    email: 'expert-reopened',
  },
};

export const ASSIGNMENT_STATUS_LABELS: Readonly<Record<AssignmentStatus, string>> = {
  [AssignmentStatus.Assigned]: 'Назначено',
  [AssignmentStatus.Draft]: 'Черновик',
  [AssignmentStatus.Submitted]: 'Отправлено',
};

/** Stages after which an unsubmitted review can no longer be sent. */
const CLOSED_STAGES: readonly string[] = [CampaignStatus.Completed, CampaignStatus.Archived];

/** What an assignment reads on the pages: after the expertise closed, unsubmitted work is «не выполнено», not «Назначено». */
export function assignmentStatusLabel(status: AssignmentStatus, campaignStatus: string): string {
  if (status !== AssignmentStatus.Submitted && CLOSED_STAGES.includes(campaignStatus)) return 'не выполнено — экспертиза завершена';
  return ASSIGNMENT_STATUS_LABELS[status];
}

export function expertiseClosed(campaignStatus: string): boolean {
  return CLOSED_STAGES.includes(campaignStatus);
}
