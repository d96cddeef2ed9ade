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
