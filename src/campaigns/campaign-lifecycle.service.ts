import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { ConflictError, ErrorCode } from '../common/domain-error';
import { JobName } from '../queue/queue-registry';
import { OutboxService } from '../queue/outbox.service';
import { ProposalsService } from '../proposals/proposals.service';
import { CAMPAIGN_STATUS_LABELS, CAMPAIGN_TRANSITIONS, CampaignStatus, canTransition } from './campaign-status';
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

/**
 * The campaign lifecycle, in one place (docs/product.md): every stage move — from the API, the pages or the scheduler —
 * goes through transition(), which locks the campaign row, checks the move against CAMPAIGN_TRANSITIONS and its
 * preconditions, applies the effects and writes the audit and outbox rows in the same transaction.
 */
@Injectable()
export class CampaignLifecycleService {
  private readonly logger = new Logger(CampaignLifecycleService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly proposals: ProposalsService,
  ) {}

  /**
   * actorId null = the scheduler. Refusals are 409 with every missing thing listed. `reason` is audited; opening the
   * expertise while proposals are undecided needs one.
   */
  async transition(campaignId: string, to: CampaignStatus, actorId: string | null, reason?: string) {
    return this.dataSource.transaction(async (m) => {
      const campaign = await lockCampaign(m, campaignId);
      return campaignView(await this.apply(m, campaign, to, actorId, reason?.trim() || undefined));
    });
  }

  private async apply(
    m: EntityManager,
    campaign: Campaign,
    to: CampaignStatus,
    actorId: string | null,
    reason?: string,
  ): Promise<Campaign> {
    const from = campaign.status;
    if (!canTransition(from, to)) throw new TransitionRefusedError(transitionNotAllowed(from, to));
    const missing = await this.missingFor(m, campaign, to);
    if (missing.length) throw new TransitionRefusedError(missing);
    // a warning, not a precondition: the organizer may move on, but says why (the scheduler's reason is the schedule)
    const undecided =
      from === CampaignStatus.Revision && to === CampaignStatus.Expertise ? await this.proposals.undecidedCount(campaign.id, m) : 0;
    if (undecided > 0 && !reason) throw new ConflictError(undecidedProposals(undecided), ErrorCode.ProposalsUndecided);

    const now = new Date();
    campaign.status = to;
    campaign.statusChangedAt = now;
    if (to === CampaignStatus.Expertise) {
      // experts score the version current now; criteria stop changing (CampaignsService checks frozenAt)
      campaign.frozenAt = now;
      await m.query(`UPDATE documents SET frozen_version_number = current_version_number WHERE campaign_id = $1`, [campaign.id]);
      await this.outbox.enqueue(m, JobName.InviteExperts, { campaignId: campaign.id });
    }
    if (from === CampaignStatus.Discussion && to === CampaignStatus.Revision) {
      await this.outbox.enqueue(m, JobName.StageClosed, { campaignId: campaign.id, stage: CampaignStatus.Discussion });
    }
    if (from === CampaignStatus.Expertise && to === CampaignStatus.Completed) {
      await this.outbox.enqueue(m, JobName.StageClosed, { campaignId: campaign.id, stage: CampaignStatus.Expertise });
    }
    const saved = await m.getRepository(Campaign).save(campaign);
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

  /** Everything that stops the move `campaign.status → to` (the move itself is allowed). */
  async missingFor(m: EntityManager, campaign: Campaign, to: CampaignStatus): Promise<string[]> {
    const missing: string[] = [];
    if (to === CampaignStatus.Discussion || to === CampaignStatus.Expertise) {
      const docs: { id: string; title: string; current_version_number: number }[] = await m.query(
        `SELECT id, title, current_version_number FROM documents WHERE campaign_id = $1 ORDER BY sort_order, created_at`,
        [campaign.id],
      );
      if (!docs.some((d) => d.current_version_number > 0)) missing.push(MISSING.noDocuments);
      for (const d of docs) if (d.current_version_number <= 0) missing.push(MISSING.documentWithoutFile(d.title));

      if (to === CampaignStatus.Discussion) {
        const questions: { text: string; kind: string; options: number }[] = await m.query(
          `SELECT q.text, q.kind, (SELECT count(*)::int FROM question_options o WHERE o.question_id = q.id) AS options
             FROM questions q WHERE q.campaign_id = $1 ORDER BY q.sort_order, q.created_at`,
          [campaign.id],
        );
        if (!questions.length) missing.push(MISSING.noQuestions);
        for (const q of questions) {
          if ((q.kind === 'single' || q.kind === 'multi') && q.options < 2) missing.push(MISSING.questionOptions(q.text));
        }
      } else {
        const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM criteria WHERE campaign_id = $1`, [campaign.id]);
        if (n === 0) missing.push(MISSING.noCriteria);
        const assigned: { document_id: string }[] = await m.query(`SELECT DISTINCT document_id FROM assignments WHERE campaign_id = $1`, [
          campaign.id,
        ]);
        const withExpert = new Set(assigned.map((a) => a.document_id));
        for (const d of docs) if (!withExpert.has(d.id)) missing.push(MISSING.documentWithoutExpert(d.title));
      }
    }
    return missing;
  }

  /** The moves the table allows from the current stage, each with what is missing (for the campaign page). */
  async availableTransitions(campaignId: string): Promise<AvailableTransition[]> {
    const campaign = await this.dataSource.getRepository(Campaign).findOneByOrFail({ id: campaignId });
    const out: AvailableTransition[] = [];
    for (const to of CAMPAIGN_TRANSITIONS[campaign.status]) {
      out.push({ to, label: CAMPAIGN_STATUS_LABELS[to], missing: await this.missingFor(this.dataSource.manager, campaign, to) });
    }
    return out;
  }

  /** Scheduled moves that were refused at their due time while the campaign is still in that stage (shown on its page). */
  async scheduledFailures(campaignId: string): Promise<{ to: CampaignStatus; label: string; dueAt: string; missing: string[] }[]> {
    const rows: { after: { to: CampaignStatus; dueAt: string; missing: string[] } }[] = await this.dataSource.query(
      `SELECT a.after FROM audit_log a JOIN campaigns c ON c.id = a.campaign_id
        WHERE a.campaign_id = $1 AND a.action = 'campaign.transition_failed' AND a.before->>'status' = c.status
        ORDER BY a.id DESC LIMIT 5`,
      [campaignId],
    );
    return rows.map((r) => ({ ...r.after, label: CAMPAIGN_STATUS_LABELS[r.after.to] }));
  }

  /**
   * The scheduler's part: performs every move whose time has come (opensAt/closesAt), through the same checks.
   * Exactly once across any number of workers: each move re-reads the row under FOR UPDATE and does nothing when
   * the status moved on. A move whose preconditions fail is recorded once in the audit log (per due time) and
   * skipped until the schedule changes, instead of being retried on every tick.
   */
  async performDueTransitions(now: Date = new Date()): Promise<number> {
    const due = await this.findDue(this.dataSource.manager, now);
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

  private async findDue(m: EntityManager, now: Date): Promise<DueMove[]> {
    const rows: {
      id: string;
      status: CampaignStatus;
      d_open: Date | null;
      d_close: Date | null;
      e_open: Date | null;
      e_close: Date | null;
    }[] = await m.query(
      `SELECT id, status, discussion_opens_at AS d_open, discussion_closes_at AS d_close,
                expertise_opens_at AS e_open, expertise_closes_at AS e_close
           FROM campaigns
          WHERE (status = 'draft' AND (discussion_opens_at <= $1 OR (discussion_opens_at IS NULL AND expertise_opens_at <= $1)))
             OR (status = 'discussion' AND discussion_closes_at <= $1)
             OR (status = 'revision' AND expertise_opens_at <= $1)
             OR (status = 'expertise' AND expertise_closes_at <= $1)
          ORDER BY id`,
      [now],
    );
    return rows.map((r) => {
      const next = scheduledMove(r.status, r);
      return { id: r.id, from: r.status, to: next!.to, dueAt: next!.dueAt };
    });
  }

  private async performDue(move: DueMove, now: Date): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const campaign = await lockCampaign(m, move.id);
      const still = scheduledMove(campaign.status, {
        d_open: campaign.discussionOpensAt,
        d_close: campaign.discussionClosesAt,
        e_open: campaign.expertiseOpensAt,
        e_close: campaign.expertiseClosesAt,
      });
      // another worker moved it first, or the schedule changed meanwhile
      if (!still || still.to !== move.to || still.dueAt > now) return false;
      const dueAt = still.dueAt.toISOString();
      const failedBefore = await m.query(
        `SELECT 1 FROM audit_log WHERE campaign_id = $1 AND action = 'campaign.transition_failed'
            AND after->>'to' = $2 AND after->>'dueAt' = $3 LIMIT 1`,
        [campaign.id, move.to, dueAt],
      );
      if (failedBefore.length) return false;
      const missing = canTransition(campaign.status, move.to)
        ? await this.missingFor(m, campaign, move.to)
        : [transitionNotAllowed(campaign.status, move.to)];
      if (missing.length) {
        await this.audit.record(m, {
          actorId: null,
          action: AuditAction.CampaignTransitionFailed,
          entityType: 'campaign',
          entityId: campaign.id,
          campaignId: campaign.id,
          before: { status: campaign.status },
          after: { to: move.to, dueAt, missing },
        });
        this.logger.warn(`scheduled move of campaign ${campaign.id} to ${move.to} refused: ${missing.length} problem(s)`);
        return false;
      }
      await this.apply(m, campaign, move.to, null, 'schedule');
      return true;
    });
  }
}

/** Which scheduled move applies to a campaign in this status, and when it is due (null: none). */
function scheduledMove(
  status: CampaignStatus,
  t: { d_open: Date | null; d_close: Date | null; e_open: Date | null; e_close: Date | null },
): { to: CampaignStatus; dueAt: Date } | null {
  switch (status) {
    case CampaignStatus.Draft:
      if (t.d_open) return { to: CampaignStatus.Discussion, dueAt: t.d_open };
      return t.e_open ? { to: CampaignStatus.Expertise, dueAt: t.e_open } : null;
    case CampaignStatus.Discussion:
      return t.d_close ? { to: CampaignStatus.Revision, dueAt: t.d_close } : null;
    case CampaignStatus.Revision:
      return t.e_open ? { to: CampaignStatus.Expertise, dueAt: t.e_open } : null;
    case CampaignStatus.Expertise:
      return t.e_close ? { to: CampaignStatus.Completed, dueAt: t.e_close } : null;
    default:
      return null;
  }
}
