import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ScaleLabel } from '../campaigns/entities/campaign.entity';
import { ProposalsService } from '../proposals/proposals.service';
import { answerCounts, breakdowns, loadQuestions, questionFigures, respondentCounts } from './discussion-figures';
import { expertiseFigures } from './expertise-figures';
import type { ResultsData } from './results-snapshot.types';

/** The distinct-respondent counts sort ~100,000 ids per question: in memory rather than in temporary files. */
const WORK_MEM = `SET LOCAL work_mem = '32MB'`;

/**
 * Computes a campaign's results inside PostgreSQL: every figure over responses is a GROUP BY (answer rows never
 * reach Node); only the few submitted review scores are loaded, for Krippendorff's alpha and the far-experts check.
 * Runs in one REPEATABLE READ transaction so all figures describe the same moment; the costliest counts run at the
 * same time on a second connection that imports the transaction's snapshot (the same moment, a second core).
 * Deterministic ordering everywhere: the same data gives the same snapshot.
 */
@Injectable()
export class AggregationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly proposals: ProposalsService,
  ) {}

  /** Null when the campaign does not exist (deleted since the job was queued). */
  async compute(campaignId: string): Promise<{ stage: string; data: ResultsData } | null> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      await m.query(WORK_MEM);
      const [campaign] = await m.query(`SELECT id, title, status, criterion_scale FROM campaigns WHERE id = $1`, [campaignId]);
      if (!campaign) return null;
      const documents: { id: string; title: string }[] = await m.query(
        `SELECT id, title FROM documents WHERE campaign_id = $1 ORDER BY sort_order, created_at, id`,
        [campaignId],
      );
      const discussion = await this.discussion(m, campaignId);
      const expertise = await expertiseFigures(m, campaignId, documents, campaign.criterion_scale as ScaleLabel[]);
      const proposals = await this.proposals.summaryOf(campaignId, m);
      const data: ResultsData = {
        campaignId,
        title: campaign.title,
        documents: documents.map((d) => ({ documentId: d.id, title: d.title })),
        discussion,
        expertise,
        // docs/api.md: the summary object, once any decision exists
        ...(proposals.decided > 0 ? { proposals } : {}),
      };
      return { stage: campaign.status as string, data };
    });
  }

  private async discussion(m: EntityManager, campaignId: string): Promise<ResultsData['discussion']> {
    const { questions, options } = await loadQuestions(m, campaignId);
    // the second connection first: its snapshot export is then the next statement on this one
    const [respondents, [totals, counts]] = await Promise.all([
      this.onSnapshotOf(m, (s) => respondentCounts(s, questions)),
      (async () => [await breakdowns(m, campaignId), await answerCounts(m, campaignId, questions)] as const)(),
    ]);
    return { ...totals, questions: questionFigures(questions, options, counts, respondents) };
  }

  /**
   * Runs `work` on a second connection whose REPEATABLE READ transaction imports the snapshot of `m`'s transaction
   * (pg_export_snapshot / SET TRANSACTION SNAPSHOT), so its figures describe the same moment as the rest.
   */
  private async onSnapshotOf<T>(m: EntityManager, work: (s: EntityManager) => Promise<T>): Promise<T> {
    const [{ snapshot }]: { snapshot: string }[] = await m.query(`SELECT pg_export_snapshot() AS snapshot`);
    if (!/^[0-9A-F-]+$/i.test(snapshot)) throw new Error(`unexpected snapshot id ${snapshot}`);
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      await runner.query(`SET TRANSACTION SNAPSHOT '${snapshot}'`);
      await runner.query(WORK_MEM);
      return await work(runner.manager);
    } finally {
      try {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
      } finally {
        await runner.release();
      }
    }
  }
}
