import { Injectable, Logger } from '@nestjs/common';
import { PUBLIC_STAGES } from '../results/published-results.repository';
import { PublishedProposalsRepository } from './published-proposals.repository';
import { ProposalsSummaryService, PublishedDocument, PublishedGroupView, SummaryDocumentView } from './proposals-summary.service';

/** Campaigns whose public summary a process keeps parsed in memory (the most recently stored first out). */
const HELD_MAX = 20;

/**
 * The «Сводка предложений» of the public results page, computed once per results snapshot rather than per request
 * (grouping the texts takes ~1.7 s at 100,000 responses). Decisions and exclusions each queue an aggregation, so a
 * new snapshot follows every change, and the summary is keyed by the snapshot: computed right after the aggregation
 * (`onSnapshot`, called by ResultsService.aggregate), or by the first page that finds it missing or older than the
 * newest snapshot. A request then costs one small query (plus the versions), and the parsed summary is held in memory
 * while its stored version is unchanged. docs/revision.md.
 */
@Injectable()
export class PublishedProposalsService {
  private readonly logger = new Logger(PublishedProposalsService.name);
  private readonly held = new Map<string, { version: string; documents: PublishedDocument[] }>();
  private readonly computing = new Map<string, Promise<PublishedDocument[]>>();

  constructor(
    private readonly repo: PublishedProposalsRepository,
    private readonly summary: ProposalsSummaryService,
  ) {}

  /**
   * The hook after a results snapshot is stored: for a campaign whose results the public may see (completed or
   * archived; whether they are published yet does not matter, so publishing later shows them at once), compute and
   * keep the summary. Other stages skip the cost: their public page does not exist.
   */
  async onSnapshot(campaignId: string, snapshotId: string, stage: string): Promise<void> {
    if (!PUBLIC_STAGES.includes(stage)) return;
    await this.compute(campaignId, snapshotId);
  }

  /** What the public results page shows: the summary kept for the newest snapshot, with the versions read now. */
  async forPage(campaignId: string): Promise<SummaryDocumentView<PublishedGroupView>[]> {
    return this.summary.withVersions(await this.documents(campaignId));
  }

  private async documents(campaignId: string): Promise<PublishedDocument[]> {
    const held = this.held.get(campaignId);
    const row = await this.repo.forLatestSnapshot(campaignId, held?.version ?? null);
    // no snapshot yet: nothing to key it by (a public campaign always has one; computed as before)
    if (!row) return this.summary.publishedDocuments(campaignId);
    if (row.snapshot_id !== row.latest_snapshot_id || !row.version) return this.compute(campaignId, row.latest_snapshot_id);
    if (row.documents) this.hold(campaignId, row.version, row.documents);
    return row.documents ?? held!.documents;
  }

  /** Computes and stores the summary for a snapshot; concurrent callers for the same snapshot share one computation. */
  private compute(campaignId: string, snapshotId: string): Promise<PublishedDocument[]> {
    const key = `${campaignId}:${snapshotId}`;
    let running = this.computing.get(key);
    if (!running) {
      running = (async () => {
        const started = Date.now();
        const documents = await this.summary.publishedDocuments(campaignId);
        const version = await this.repo.save(campaignId, snapshotId, documents);
        if (version) this.hold(campaignId, version, documents);
        this.logger.log({ campaignId, snapshotId, ms: Date.now() - started, kept: !!version }, 'public proposals summary computed');
        return documents;
      })().finally(() => this.computing.delete(key));
      this.computing.set(key, running);
    }
    return running;
  }

  private hold(campaignId: string, version: string, documents: PublishedDocument[]): void {
    this.held.delete(campaignId);
    this.held.set(campaignId, { version, documents });
    if (this.held.size > HELD_MAX) this.held.delete(this.held.keys().next().value!);
  }
}
