import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { ConflictError, ErrorCode } from '../common/domain-error';
import { JobName } from '../queue/queue-registry';
import { OutboxService } from '../queue/outbox.service';
import { ProposalsService } from '../proposals/proposals.service';
import { CampaignLifecycleRepository, DueCampaignRow } from './campaign-lifecycle.repository';
import { CAMPAIGN_MACHINE, CAMPAIGN_STATUS_LABELS, CampaignAction, CampaignEffect, CampaignStatus, scheduledMove } from './campaign-status';
import { campaignView } from './campaign-view';
import { lockCampaign } from './campaigns.service';
import { transitionNotAllowed } from './campaigns.errors';
import { Campaign } from './entities/campaign.entity';

export const MISSING = {
  noDocuments: 'в кампании нет ни одного документа с файлом',
  documentWithoutFile: (title: string) => `документ «${title}» не имеет файла`,
  noQuestions: 'в анкете нет ни одного вопроса',
  questionOptions: (text: string) => `вопрос «${text}» должен иметь не менее двух вариантов ответа`,
  noCriteria: 'список критериев пуст',
  documentWithoutExpert: (title: string) => `документ «${title}» не имеет назначенного эксперта`,
};

/** Opening the expertise with proposals left undecided needs a reason (docs/revision.md). */
export function undecidedProposals(count: number): string {
  return `Предложений без решения: ${count}. Чтобы открыть экспертизу, не приняв по ним решений, укажите причину`;
}

export class TransitionRefusedError extends ConflictError {
  constructor(messages: string | string[]) {
    super(messages, ErrorCode.TransitionRefused);
  }
}

export interface AvailableTransition {
  to: CampaignStatus;
  label: string;
  /** Empty when the move can be made now. */
  missing: string[];
}

/** A due scheduled move: which status the campaign must still have, where it goes, and when it was due. */
interface DueMove {
  id: string;
  from: CampaignStatus;
  to: CampaignStatus;
  dueAt: Date;
}

export interface ScheduledFailure {
  to: CampaignStatus;
  label: string;
  /** ISO 8601 */
  dueAt: string;
  missing: string[];
}

/**
 * The campaign lifecycle, in one place (docs/lifecycle.md): every stage move — from the API, the pages or the
 * scheduler — goes through apply(), which, on the campaign row locked by its caller's transaction, finds the move in
 * CAMPAIGN_MACHINE, checks its preconditions, applies the move's declared effects and writes the audit row.
 */
@Injectable()
export class CampaignLifecycleService {
  private readonly logger = new Logger(CampaignLifecycleService.name);

  constructor(
    private readonly campaigns: CampaignLifecycleRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly proposals: ProposalsService,
  ) {}

  /**
   * actorId null = the scheduler. Refusals are 409 with every missing thing listed. `reason` is audited; opening the
   * expertise while proposals are undecided needs one.
   */
  async transition(campaignId: string, to: CampaignStatus, actorId: string | null, reason?: string) {
    return this.campaigns.transaction(async (m) => {
      const campaign = await lockCampaign(m, campaignId);
      return campaignView(await this.apply(m, campaign, to, actorId, reason?.trim() || undefined));
    });
  }

  /** The one method that changes a campaign's status; `campaign` is locked in `m`'s transaction. */
  private async apply(
    m: EntityManager,
    campaign: Campaign,
    to: CampaignStatus,
    actorId: string | null,
    reason?: string,
  ): Promise<Campaign> {
    const from = campaign.status;
    const move = CAMPAIGN_MACHINE.toward(from, to);
    if (!move) throw new TransitionRefusedError(transitionNotAllowed(from, to));
    const missing = await this.missingFor(campaign, to, m);
    if (missing.length) throw new TransitionRefusedError(missing);
    // a warning, not a precondition: the organizer may move on, but says why (the scheduler's reason is the schedule)
    const undecided =
      from === CampaignStatus.Revision && move.action === CampaignAction.OpenExpertise
        ? await this.proposals.undecidedCount(campaign.id, m)
        : 0;
    if (undecided > 0 && !reason) throw new ConflictError(undecidedProposals(undecided), ErrorCode.ProposalsUndecided);

    const now = new Date();
    campaign.status = move.to;
    campaign.statusChangedAt = now;
    for (const effect of move.effects) await this.applyEffect(m, campaign, effect, now);
    const saved = await this.campaigns.save(m, campaign);
    await this.audit.record(m, {
      actorId,
      action: AuditAction.CampaignTransition,
      entityType: 'campaign',
      entityId: campaign.id,
      campaignId: campaign.id,
      before: { status: from },
      after: { status: to, ...(reason ? { reason } : {}), ...(undecided ? { undecidedProposals: undecided } : {}) },
    });
    this.logger.log(`campaign ${campaign.id}: ${from} -> ${to}${actorId ? '' : ' (scheduled)'}`);
    return saved;
  }

  private async applyEffect(m: EntityManager, campaign: Campaign, effect: CampaignEffect, now: Date): Promise<void> {
    switch (effect) {
      case CampaignEffect.FreezeForExpertise:
        // experts score the version current now; criteria stop changing (CampaignsService checks frozenAt)
        campaign.frozenAt = now;
        return this.campaigns.freezeDocumentVersions(m, campaign.id);
      case CampaignEffect.InviteExperts:
        return this.outbox.enqueue(m, JobName.InviteExperts, { campaignId: campaign.id });
      case CampaignEffect.CloseDiscussionStage:
        return this.outbox.enqueue(m, JobName.StageClosed, { campaignId: campaign.id, stage: CampaignStatus.Discussion });
      case CampaignEffect.CloseExpertiseStage:
        return this.outbox.enqueue(m, JobName.StageClosed, { campaignId: campaign.id, stage: CampaignStatus.Expertise });
    }
  }

  /** Everything that stops the move `campaign.status → to` (the move itself is allowed); `m`: the move's transaction. */
  async missingFor(campaign: Campaign, to: CampaignStatus, m?: EntityManager): Promise<string[]> {
    if (to !== CampaignStatus.Discussion && to !== CampaignStatus.Expertise) return [];
    const missing: string[] = [];
    const docs = await this.campaigns.documents(campaign.id, m);
    if (!docs.some((d) => d.current_version_number > 0)) missing.push(MISSING.noDocuments);
    for (const d of docs) if (d.current_version_number <= 0) missing.push(MISSING.documentWithoutFile(d.title));

    if (to === CampaignStatus.Discussion) {
      const questions = await this.campaigns.questions(campaign.id, m);
      if (!questions.length) missing.push(MISSING.noQuestions);
      for (const q of questions) {
        if ((q.kind === 'single' || q.kind === 'multi') && q.options < 2) missing.push(MISSING.questionOptions(q.text));
      }
    } else {
      if ((await this.campaigns.criteriaCount(campaign.id, m)) === 0) missing.push(MISSING.noCriteria);
      const withExpert = await this.campaigns.documentsWithExpert(campaign.id, m);
      for (const d of docs) if (!withExpert.has(d.id)) missing.push(MISSING.documentWithoutExpert(d.title));
    }
    return missing;
  }

  /** The moves the table allows from the current stage, each with what is missing (for the campaign page). */
  async availableTransitions(campaignId: string): Promise<AvailableTransition[]> {
    const campaign = await this.campaigns.findById(campaignId);
    const out: AvailableTransition[] = [];
    for (const { to } of CAMPAIGN_MACHINE.outOf(campaign.status)) {
      out.push({ to, label: CAMPAIGN_STATUS_LABELS[to], missing: await this.missingFor(campaign, to) });
    }
    return out;
  }

  /** Scheduled moves that were refused at their due time while the campaign is still in that stage (shown on its page). */
  async scheduledFailures(campaignId: string): Promise<ScheduledFailure[]> {
    const rows = await this.campaigns.currentFailures(campaignId, 5);
    return rows.map((r) => ({
      to: r.to_status,
      label: CAMPAIGN_STATUS_LABELS[r.to_status],
      dueAt: new Date(r.due_at).toISOString(),
      missing: r.reasons,
    }));
  }

  /**
   * The scheduler's part: performs every move whose time has come (SCHEDULED_MOVES), through the same checks.
   * Exactly once across any number of workers: each move re-reads the row under FOR UPDATE and does nothing when
   * the status moved on. A move whose preconditions fail is recorded once (scheduled_transition_failures, per due
   * time) and skipped until the schedule gives it another due time, instead of being retried on every tick.
   */
  async performDueTransitions(now: Date = new Date()): Promise<number> {
    const due = (await this.campaigns.dueForSchedule(now)).map(dueMove);
    let done = 0;
    for (const move of due) {
      try {
        if (await this.performDue(move, now)) done++;
      } catch (err) {
        this.logger.warn(`scheduled move of campaign ${move.id} to ${move.to} failed: ${(err as Error).message}`);
      }
    }
    return done;
  }

  private async performDue(move: DueMove, now: Date): Promise<boolean> {
    return this.campaigns.transaction(async (m) => {
      const campaign = await lockCampaign(m, move.id);
      const still = scheduledMove(campaign);
      // another worker moved it first, or the schedule changed meanwhile
      if (!still || still.to !== move.to || still.dueAt > now) return false;
      if (await this.campaigns.failureRecorded(m, campaign.id, still.to, still.dueAt)) return false;
      // every scheduled move is in CAMPAIGN_MACHINE (campaign-status.ts checks it at load): only preconditions can fail
      const missing = await this.missingFor(campaign, still.to, m);
      if (missing.length) {
        await this.recordScheduledFailure(m, campaign, still.to, still.dueAt, missing);
        return false;
      }
      await this.apply(m, campaign, still.to, null, 'schedule');
      return true;
    });
  }

  /** The refusal's own row stops the retries; the audit entry is the history («не удалось перейти» on the audit page). */
  private async recordScheduledFailure(m: EntityManager, campaign: Campaign, to: CampaignStatus, dueAt: Date, missing: string[]) {
    await this.campaigns.recordFailure(m, { campaignId: campaign.id, fromStatus: campaign.status, toStatus: to, dueAt, reasons: missing });
    await this.audit.record(m, {
      actorId: null,
      action: AuditAction.CampaignTransitionFailed,
      entityType: 'campaign',
      entityId: campaign.id,
      campaignId: campaign.id,
      before: { status: campaign.status },
      after: { to, dueAt: dueAt.toISOString(), missing },
    });
    this.logger.warn(`scheduled move of campaign ${campaign.id} to ${to} refused: ${missing.length} problem(s)`);
  }
}

function dueMove(row: DueCampaignRow): DueMove {
  // the due-query and scheduledMove() derive from the same table, so a due row always has its move
  const next = scheduledMove(row)!;
  return { id: row.id, from: row.status, to: next.to, dueAt: next.dueAt };
}
