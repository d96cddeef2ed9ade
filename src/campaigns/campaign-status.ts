import { TransitionTable } from '../common/state-machine';

/** The campaign lifecycle (docs/lifecycle.md). The allowed moves live in one table, used by CampaignLifecycleService only. */
export enum CampaignStatus {
  Draft = 'draft',
  Discussion = 'discussion',
  Revision = 'revision',
  Expertise = 'expertise',
  Completed = 'completed',
  Archived = 'archived',
}

export enum CampaignAction {
  OpenDiscussion = 'open-discussion',
  CloseDiscussion = 'close-discussion',
  OpenExpertise = 'open-expertise',
  Complete = 'complete',
  Archive = 'archive',
}

/** What a move does besides the status (and the audit row every move writes), in its transaction. */
export enum CampaignEffect {
  /** frozen_at = now; each document's frozen version = its current one (criteria and versions stop changing) */
  FreezeForExpertise = 'freeze-for-expertise',
  /** outbox InviteExperts */
  InviteExperts = 'invite-experts',
  /** outbox StageClosed {stage: 'discussion'}: aggregation, the final reports, their emails */
  CloseDiscussionStage = 'close-discussion-stage',
  /** outbox StageClosed {stage: 'expertise'} */
  CloseExpertiseStage = 'close-expertise-stage',
}

/** The stage moves; CampaignLifecycleService's apply() is the only writer of `campaigns.status`. */
export const CAMPAIGN_MACHINE = new TransitionTable<CampaignStatus, CampaignAction, CampaignEffect>([
  { action: CampaignAction.OpenDiscussion, from: [CampaignStatus.Draft], to: CampaignStatus.Discussion },
  {
    action: CampaignAction.CloseDiscussion,
    from: [CampaignStatus.Discussion],
    to: CampaignStatus.Revision,
    effects: [CampaignEffect.CloseDiscussionStage],
  },
  {
    // from draft: an expertise without a public discussion
    action: CampaignAction.OpenExpertise,
    from: [CampaignStatus.Draft, CampaignStatus.Revision],
    to: CampaignStatus.Expertise,
    effects: [CampaignEffect.FreezeForExpertise, CampaignEffect.InviteExperts],
  },
  // from revision: a discussion-only campaign ends without an expertise (no stage of its own closes)
  { action: CampaignAction.Complete, from: [CampaignStatus.Revision], to: CampaignStatus.Completed },
  {
    action: CampaignAction.Complete,
    from: [CampaignStatus.Expertise],
    to: CampaignStatus.Completed,
    effects: [CampaignEffect.CloseExpertiseStage],
  },
  { action: CampaignAction.Archive, from: [CampaignStatus.Completed], to: CampaignStatus.Archived },
]);

export const CAMPAIGN_STATUS_LABELS: Readonly<Record<CampaignStatus, string>> = {
  [CampaignStatus.Draft]: 'Подготовка',
  [CampaignStatus.Discussion]: 'Общественное обсуждение',
  [CampaignStatus.Revision]: 'Доработка',
  [CampaignStatus.Expertise]: 'Экспертиза',
  [CampaignStatus.Completed]: 'Завершена',
  [CampaignStatus.Archived]: 'В архиве',
};

/** The campaign's dates that trigger scheduled moves (entity property → column). */
export const SCHEDULE_COLUMNS = {
  discussionOpensAt: 'discussion_opens_at',
  discussionClosesAt: 'discussion_closes_at',
  expertiseOpensAt: 'expertise_opens_at',
  expertiseClosesAt: 'expertise_closes_at',
} as const;
export type ScheduleField = keyof typeof SCHEDULE_COLUMNS;

export interface ScheduledMove {
  from: CampaignStatus;
  /** The date that makes the move due. */
  field: ScheduleField;
  action: CampaignAction;
}

/**
 * The scheduler's moves, the one place they are declared: in a status, the FIRST row whose date is set decides the
 * move (a draft with a discussion date opens the discussion, whatever its expertise date; only a draft without one
 * goes straight to expertise). The due-query (dueScheduleSql) and the move (scheduledMove) both derive from it.
 */
export const SCHEDULED_MOVES: readonly ScheduledMove[] = [
  { from: CampaignStatus.Draft, field: 'discussionOpensAt', action: CampaignAction.OpenDiscussion },
  { from: CampaignStatus.Draft, field: 'expertiseOpensAt', action: CampaignAction.OpenExpertise },
  { from: CampaignStatus.Discussion, field: 'discussionClosesAt', action: CampaignAction.CloseDiscussion },
  { from: CampaignStatus.Revision, field: 'expertiseOpensAt', action: CampaignAction.OpenExpertise },
  { from: CampaignStatus.Expertise, field: 'expertiseClosesAt', action: CampaignAction.Complete },
];
for (const s of SCHEDULED_MOVES) {
  if (!CAMPAIGN_MACHINE.find(s.from, s.action)) throw new Error(`scheduled move ${s.from} + ${s.action} is not in CAMPAIGN_MACHINE`);
}

export type CampaignSchedule = { status: CampaignStatus } & Record<ScheduleField, Date | null>;

/** The scheduled move that applies to a campaign now (whether due or not), with its due time; null: none. */
export function scheduledMove(c: CampaignSchedule): { to: CampaignStatus; dueAt: Date } | null {
  const rule = SCHEDULED_MOVES.find((s) => s.from === c.status && c[s.field]);
  return rule ? { to: CAMPAIGN_MACHINE.target(rule.action), dueAt: c[rule.field]! } : null;
}

/**
 * The SQL condition "a scheduled move is due at $<param>", from the same table: per status, COALESCE of its dates in
 * table order is the first one set, the one scheduledMove() takes.
 */
export function dueScheduleSql(param: string): string {
  const statuses = [...new Set(SCHEDULED_MOVES.map((s) => s.from))];
  return statuses
    .map((status) => {
      const columns = SCHEDULED_MOVES.filter((s) => s.from === status).map((s) => SCHEDULE_COLUMNS[s.field]);
      return `(status = '${status}' AND COALESCE(${columns.join(', ')}) <= ${param})`;
    })
    .join(' OR ');
}
