export enum ExpertStatus {
  Applied = 'applied',
  Approved = 'approved',
  Rejected = 'rejected',
  Suspended = 'suspended',
}

export const EXPERT_TRANSITIONS: Readonly<Record<ExpertStatus, readonly ExpertStatus[]>> = {
  [ExpertStatus.Applied]: [ExpertStatus.Approved, ExpertStatus.Rejected],
  [ExpertStatus.Approved]: [ExpertStatus.Suspended],
  [ExpertStatus.Rejected]: [],
  [ExpertStatus.Suspended]: [ExpertStatus.Approved],
};

export enum AssignmentStatus {
  Assigned = 'assigned',
  Draft = 'draft',
  Submitted = 'submitted',
}

export const EXPERT_STATUS_LABELS: Readonly<Record<ExpertStatus, string>> = {
  [ExpertStatus.Applied]: 'Заявка подана',
  [ExpertStatus.Approved]: 'Одобрен',
  [ExpertStatus.Rejected]: 'Отклонён',
  [ExpertStatus.Suspended]: 'Приостановлен',
};

export const ASSIGNMENT_STATUS_LABELS: Readonly<Record<AssignmentStatus, string>> = {
  [AssignmentStatus.Assigned]: 'Назначено',
  [AssignmentStatus.Draft]: 'Черновик',
  [AssignmentStatus.Submitted]: 'Отправлено',
};

/** Stages after which an unsubmitted review can no longer be sent. */
const CLOSED_STAGES = ['completed', 'archived'];

/** What an assignment reads on the pages: after the expertise closed, unsubmitted work is «не выполнено», not «Назначено». */
export function assignmentStatusLabel(status: AssignmentStatus, campaignStatus: string): string {
  if (status !== AssignmentStatus.Submitted && CLOSED_STAGES.includes(campaignStatus)) return 'не выполнено — экспертиза завершена';
  return ASSIGNMENT_STATUS_LABELS[status];
}

export function expertiseClosed(campaignStatus: string): boolean {
  return CLOSED_STAGES.includes(campaignStatus);
}
