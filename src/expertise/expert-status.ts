import { AuditAction } from '../audit/audit-action';

/** A registry entry's lifecycle (docs/expertise.md «Registry»). */
export enum ExpertStatus {
  Applied = 'applied',
  Approved = 'approved',
  Rejected = 'rejected',
  Suspended = 'suspended',
}

/** The organizers' decisions: the only ways a registry entry changes status. */
export enum ExpertAction {
  Approve = 'approve',
  Reject = 'reject',
  Suspend = 'suspend',
  Restore = 'restore',
}

/** One move of the registry machine: where it may start, where it ends, and what else it does. */
export interface ExpertTransition {
  from: readonly ExpertStatus[];
  to: ExpertStatus;
  audit: AuditAction;
  /** The account's `users.active` after the move; absent: unchanged. */
  accountActive?: boolean;
  /** The email sent to the expert in the same transaction. */
  email?: 'expert-approved' | 'expert-rejected';
  /** Ends every session of the expert after the commit. */
  endSessions: boolean;
  /** Refused (409) while the expert has not confirmed the address. */
  needsConfirmedEmail: boolean;
  /** Refused (400) without a reason. */
  needsReason: boolean;
}

/** The registry machine, keyed by action; used only by ExpertRegistryService.changeStatus. */
export const EXPERT_TRANSITIONS: Readonly<Record<ExpertAction, ExpertTransition>> = {
  [ExpertAction.Approve]: {
    // approving a suspended expert is allowed by the API (it predates «restore»); the pages offer it for applied only
    from: [ExpertStatus.Applied, ExpertStatus.Suspended],
    to: ExpertStatus.Approved,
    audit: AuditAction.ExpertApprove,
    email: 'expert-approved',
    endSessions: false,
    needsConfirmedEmail: true,
    needsReason: false,
  },
  [ExpertAction.Reject]: {
    from: [ExpertStatus.Applied],
    to: ExpertStatus.Rejected,
    audit: AuditAction.ExpertReject,
    email: 'expert-rejected',
    endSessions: true,
    needsConfirmedEmail: false,
    needsReason: false,
  },
  [ExpertAction.Suspend]: {
    from: [ExpertStatus.Approved],
    to: ExpertStatus.Suspended,
    audit: AuditAction.ExpertSuspend,
    accountActive: false,
    endSessions: true,
    needsConfirmedEmail: false,
    needsReason: true,
  },
  [ExpertAction.Restore]: {
    from: [ExpertStatus.Suspended],
    to: ExpertStatus.Approved,
    audit: AuditAction.ExpertRestore,
    accountActive: true,
    endSessions: false,
    // as every move to approved: an erased expert (no confirmed address) is not restored
    needsConfirmedEmail: true,
    needsReason: false,
  },
};

export function expertActionAllowed(action: ExpertAction, from: ExpertStatus): boolean {
  return EXPERT_TRANSITIONS[action].from.includes(from);
}

export const EXPERT_STATUS_LABELS: Readonly<Record<ExpertStatus, string>> = {
  [ExpertStatus.Applied]: 'Заявка подана',
  [ExpertStatus.Approved]: 'Одобрен',
  [ExpertStatus.Rejected]: 'Отклонён',
  [ExpertStatus.Suspended]: 'Приостановлен',
};
