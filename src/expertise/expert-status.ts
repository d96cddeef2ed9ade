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
