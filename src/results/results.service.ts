import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { DomainError, ErrorCode } from '../common/domain-error';
import { isUuid } from '../common/uuid';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { PublishedProposalsService } from '../proposals/published-proposals.service';
import { AggregationService } from './aggregation.service';
import { TalliesRepository } from './tallies.repository';
import { PublishedResultsRepository } from './published-results.repository';
import { ResultsSnapshotsRepository } from './results-snapshots.repository';
import type { ResultsData, ResultsSnapshotView } from './results-snapshot.types';

/** Changes this close before a snapshot's time are treated as possibly unseen by it. */
const STALE_MARGIN_SECONDS = 10;

@Injectable()
export class ResultsService {
  private readonly logger = new Logger(ResultsService.name);

  constructor(
    private readonly snapshots: ResultsSnapshotsRepository,
    private readonly campaigns: PublishedResultsRepository,
    private readonly aggregation: AggregationService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly publishedProposals: PublishedProposalsService,
    private readonly tallies: TalliesRepository,
  ) {}

  /**
   * Computes and stores a new snapshot. Idempotent in effect: the same data gives the same figures; each run adds
   * a snapshot row and "the" results are the newest. Returns null when the campaign is gone.
   */
  async aggregate(campaignId: string): Promise<ResultsSnapshotView | null> {
    const started = Date.now();
    const computed = await this.aggregation.compute(campaignId);
    if (!computed) return null;
    const row = await this.snapshots.insert(campaignId, computed.stage, computed.data);
    this.logger.log({ campaignId, snapshotId: row.id, ms: Date.now() - started }, 'results aggregated');
    // the public page's «Сводка предложений» for this snapshot; a failure leaves it to the first page that needs it
    await this.publishedProposals.onSnapshot(campaignId, row.id, computed.stage).catch((err: Error) => {
      this.logger.warn({ campaignId, snapshotId: row.id }, `public proposals summary not computed: ${err.message}`);
    });
    return toView({ id: row.id, stage: computed.stage, computedAt: row.computed_at, data: computed.data });
  }

  /** The newest snapshot, or null before the first. */
  async latest(campaignId: string): Promise<ResultsSnapshotView | null> {
    const row = await this.snapshots.latest(campaignId);
    return row ? toView({ ...row, data: row.data as unknown as ResultsData }) : null;
  }

  /** For GET .../results: 404 for an unknown campaign and before the first snapshot. */
  async latestOrFail(campaignId: string): Promise<ResultsSnapshotView> {
    await this.campaignOrFail(campaignId);
    const snapshot = await this.latest(campaignId);
    if (!snapshot) throw new DomainError(ErrorCode.NotFound, 'Результаты ещё не подсчитаны');
    return snapshot;
  }

  /** The newest snapshot, aggregating first when there is none (reports render from it). */
  async latestOrAggregate(campaignId: string): Promise<ResultsSnapshotView | null> {
    return (await this.latest(campaignId)) ?? this.aggregate(campaignId);
  }

  /** POST .../results/refresh: aggregation as soon as the worker picks it up. */
  async requestRefreshNow(campaignId: string): Promise<void> {
    await this.campaignOrFail(campaignId);
    await this.outbox.enqueue(null, JobName.AggregateResults, { campaignId }, { dedupeKey: `aggregate-now:${campaignId}` });
  }

  /**
   * Scheduler duty keeping the organizers' live figures fresh while a stage is open: campaigns whose responses or
   * reviews changed since their newest snapshot get one aggregation job (the dedupe key collapses
   * repeats). Driven by the tick rather than by each submission, so the hot write path pays nothing for it.
   * The margin covers writes that committed while the previous aggregation was reading.
   */
  async refreshStaleOpenCampaigns(): Promise<number> {
    const ids = await this.snapshots.staleOpenCampaignIds(STALE_MARGIN_SECONDS);
    for (const id of ids) {
      await this.outbox.enqueue(null, JobName.AggregateResults, { campaignId: id }, { dedupeKey: `aggregate:${id}` });
    }
    return ids.length;
  }

  /**
   * Scheduler duty: folds the tally deltas the submissions appended since the last tick into the totals, so the
   * live figures sum a few thousand rows at most (docs/results.md «Tallies»).
   */
  async foldTallies(): Promise<number> {
    return this.tallies.fold();
  }

  /** The organizer's choice to show the results of a completed campaign on its public page. */
  async setPublished(actorId: string, campaignId: string, published: boolean): Promise<void> {
    await this.campaigns.transaction(async (m) => {
      const was = await this.campaigns.lockPublished(m, campaignId);
      if (was === null) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
      if (was === published) return;
      await this.campaigns.setPublished(m, campaignId, published);
      await this.audit.record(m, {
        actorId,
        action: published ? AuditAction.ResultsPublish : AuditAction.ResultsUnpublish,
        entityType: 'campaign',
        entityId: campaignId,
        campaignId,
        before: { resultsPublished: was },
        after: { resultsPublished: published },
      });
    });
  }

  async campaignOrFail(campaignId: string): Promise<Campaign> {
    const campaign = isUuid(campaignId) ? await this.campaigns.findCampaign(campaignId) : null;
    if (!campaign) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    return campaign;
  }

  async campaignBySlug(slug: string): Promise<Campaign | null> {
    return this.campaigns.findCampaignBySlug(slug);
  }
}

function toView(row: { id: string; stage: string; computedAt: Date | string; data: ResultsData }): ResultsSnapshotView {
  return { id: row.id, computedAt: new Date(row.computedAt).toISOString(), stage: row.stage, ...row.data };
}
