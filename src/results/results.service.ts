import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { DomainError, ErrorCode } from '../common/domain-error';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { AggregationService } from './aggregation.service';
import { ResultsSnapshot } from './entities/results-snapshot.entity';
import type { ResultsData, ResultsSnapshotView } from './results-snapshot.types';

/** While a stage is open, submissions ask for a refresh at most this often (debounced through the outbox). */
export const LIVE_REFRESH_DELAY_MS = 30_000;

@Injectable()
export class ResultsService {
  private readonly logger = new Logger(ResultsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly aggregation: AggregationService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Computes and stores a new snapshot. Idempotent in effect: the same data gives the same figures; each run adds
   * a snapshot row and "the" results are the newest. Returns null when the campaign is gone.
   */
  async aggregate(campaignId: string): Promise<ResultsSnapshotView | null> {
    const started = Date.now();
    const computed = await this.aggregation.compute(campaignId);
    if (!computed) return null;
    const [row] = await this.dataSource.query(
      `INSERT INTO results_snapshots (campaign_id, stage, computed_at, data) VALUES ($1, $2, now(), $3::jsonb) RETURNING id, computed_at`,
      [campaignId, computed.stage, JSON.stringify(computed.data)],
    );
    this.logger.log({ campaignId, snapshotId: row.id, ms: Date.now() - started }, 'results aggregated');
    return toView({ id: row.id, stage: computed.stage, computedAt: row.computed_at, data: computed.data });
  }

  /** The newest snapshot, or null before the first. */
  async latest(campaignId: string): Promise<ResultsSnapshotView | null> {
    const row = await this.dataSource.getRepository(ResultsSnapshot).findOne({ where: { campaignId }, order: { computedAt: 'DESC' } });
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
   * For writers while a stage is open (a stored response or review): keeps the organizer's live page fresh without
   * aggregating per submission. Many calls within the delay collapse into one pending outbox row (dedupe key).
   */
  async requestRefresh(manager: EntityManager | null, campaignId: string): Promise<void> {
    await this.outbox.enqueue(
      manager,
      JobName.AggregateResults,
      { campaignId },
      { dedupeKey: `aggregate:${campaignId}`, delayMs: LIVE_REFRESH_DELAY_MS },
    );
  }

  /** The organizer's choice to show the results of a completed campaign on its public page. */
  async setPublished(actorId: string, campaignId: string, published: boolean): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const [row] = await m.query(`SELECT results_published FROM campaigns WHERE id = $1 FOR UPDATE`, [campaignId]);
      if (!row) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
      if (row.results_published === published) return;
      await m.query(`UPDATE campaigns SET results_published = $2, updated_at = now(), row_version = row_version + 1 WHERE id = $1`, [
        campaignId,
        published,
      ]);
      await this.audit.record(m, {
        actorId,
        action: published ? 'results.publish' : 'results.unpublish',
        entityType: 'campaign',
        entityId: campaignId,
        campaignId,
        before: { resultsPublished: row.results_published },
        after: { resultsPublished: published },
      });
    });
  }

  async campaignOrFail(campaignId: string): Promise<Campaign> {
    const campaign = /^[0-9a-f-]{36}$/i.test(campaignId)
      ? await this.dataSource.getRepository(Campaign).findOneBy({ id: campaignId })
      : null;
    if (!campaign) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    return campaign;
  }

  async campaignBySlug(slug: string): Promise<Campaign | null> {
    return this.dataSource.getRepository(Campaign).findOneBy({ slug });
  }
}

function toView(row: { id: string; stage: string; computedAt: Date | string; data: ResultsData }): ResultsSnapshotView {
  return { id: row.id, computedAt: new Date(row.computedAt).toISOString(), stage: row.stage, ...row.data };
}
