import { Injectable } from '@nestjs/common';
import { CoverageRepository } from '../results/coverage.repository';
import { CampaignFiguresRepository } from './campaign-figures.repository';

export interface LiveFigures {
  responses: number;
  territoriesCovered: number;
  territoriesTotal: number;
  reviewsSubmitted: number;
  assignments: number;
}

/**
 * The live figures on the campaign page (not the results snapshot): responses and territories from the live
 * coverage results exports (its response tallies, so the page and the coverage block say the same at any round
 * size), reviews from the assignments.
 */
@Injectable()
export class CampaignFiguresService {
  constructor(
    private readonly coverage: CoverageRepository,
    private readonly repo: CampaignFiguresRepository,
  ) {}

  async figures(campaignId: string): Promise<LiveFigures> {
    const [coverage, reviews] = await Promise.all([this.coverage.coverage(campaignId), this.repo.reviewCounts(campaignId)]);
    return {
      responses: coverage.respondents,
      territoriesCovered: coverage.covered,
      territoriesTotal: coverage.total,
      reviewsSubmitted: reviews.submitted,
      assignments: reviews.assigned,
    };
  }
}
