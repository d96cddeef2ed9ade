import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { DomainError, ErrorCode } from '../common/domain-error';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { PublishedProposalsService } from '../proposals/published-proposals.service';
import { AggregationService } from './aggregation.service';
import { ResultsSnapshot } from './entities/results-snapshot.entity';
import type { ResultsData, ResultsSnapshotView } from './results-snapshot.types';

/** Changes this close before a snapshot's time are treated as possibly unseen by it. */
const STALE_MARGIN_SECONDS = 10;

@Injectable()
export class ResultsService {
  private readonly logger = new Logger(ResultsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly aggregation: AggregationService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly publishedProposals: PublishedProposalsService,
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
    // the public page's «Сводка предложений» for this snapshot; a failure leaves it to the first page that needs it
    await this.publishedProposals.onSnapshot(campaignId, row.id, computed.stage).catch((err: Error) => {
      this.logger.warn({ campaignId, snapshotId: row.id }, `public proposals summary not computed: ${err.message}`);
    });
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
   * Scheduler duty keeping the organizers' live figures fresh while a stage is open: campaigns whose responses or
   * reviews changed since their newest snapshot get one aggregation job (the dedupe key collapses
   * repeats). Driven by the tick rather than by each submission, so the hot write path pays nothing for it.
   * The margin covers writes that committed while the previous aggregation was reading.
   */
  async refreshStaleOpenCampaigns(): Promise<number> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT c.id FROM campaigns c
        LEFT JOIN LATERAL (SELECT max(s.computed_at) - interval '${STALE_MARGIN_SECONDS} seconds' AS since
                             FROM results_snapshots s WHERE s.campaign_id = c.id) last ON true
        WHERE c.status IN ('discussion', 'expertise')
          AND (EXISTS (SELECT 1 FROM responses r WHERE r.campaign_id = c.id AND NOT r.excluded
                          AND (last.since IS NULL OR r.created_at > last.since))
            OR EXISTS (SELECT 1 FROM assignments a WHERE a.campaign_id = c.id AND a.updated_at > coalesce(last.since, '-infinity')))`,
    );
    for (const { id } of rows) {
      await this.outbox.enqueue(null, JobName.AggregateResults, { campaignId: id }, { dedupeKey: `aggregate:${id}` });
    }
    return rows.length;
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
        action: published ? AuditAction.ResultsPublish : AuditAction.ResultsUnpublish,
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
