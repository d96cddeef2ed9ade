import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ScaleLabel } from '../campaigns/entities/campaign.entity';
import { ProposalsService } from '../proposals/proposals.service';
import { answerCounts, breakdowns, loadQuestions, questionFigures, respondentCounts } from './discussion-figures';
import { expertiseFigures } from './expertise-figures';
import type { ResultsData } from './results-snapshot.types';
import { TalliesRepository } from './tallies.repository';

/**
 * Computes a campaign's results inside PostgreSQL: the discussion's figures come from the tallies the database keeps
 * in the same transaction as every write to responses and answers (a few hundred rows whatever the round's size:
 * docs/results.md «Tallies»), never from the answer rows; only the few submitted review scores are loaded, for
 * Krippendorff's alpha and the far-experts check. Runs in one REPEATABLE READ transaction so all figures describe
 * the same moment. Deterministic ordering everywhere: the same data gives the same snapshot.
 */
@Injectable()
export class AggregationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly proposals: ProposalsService,
    private readonly tallies: TalliesRepository,
  ) {}

  /** Null when the campaign does not exist (deleted since the job was queued). */
  async compute(campaignId: string): Promise<{ stage: string; data: ResultsData } | null> {
    // not needed for exact figures (the views add the deltas), only for a small read
    await this.tallies.fold();
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
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
    const totals = await breakdowns(m, campaignId);
    const counts = await answerCounts(m, questions, options);
    const respondents = await respondentCounts(m, questions);
    return { ...totals, questions: questionFigures(questions, options, counts, respondents) };
  }
}
