import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface LiveFigures {
  responses: number;
  territoriesCovered: number;
  territoriesTotal: number;
  reviewsSubmitted: number;
  assignments: number;
}

/** The live figures on the campaign page, counted straight from the rows (not the results snapshot). */
@Injectable()
export class CampaignFiguresService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async figures(campaignId: string): Promise<LiveFigures> {
    const [row] = await this.dataSource.query(
      `SELECT
         (SELECT count(*)::int FROM responses r WHERE r.campaign_id = $1 AND NOT r.excluded) AS responses,
         (SELECT count(DISTINCT r.territory_id)::int FROM responses r JOIN territories t ON t.id = r.territory_id
           WHERE r.campaign_id = $1 AND NOT r.excluded AND t.active) AS covered,
         (SELECT count(*)::int FROM territories WHERE active) AS total,
         (SELECT count(*)::int FROM assignments a WHERE a.campaign_id = $1 AND a.status = 'submitted') AS submitted,
         (SELECT count(*)::int FROM assignments a WHERE a.campaign_id = $1) AS assigned`,
      [campaignId],
    );
    return {
      responses: row.responses,
      territoriesCovered: row.covered,
      territoriesTotal: row.total,
      reviewsSubmitted: row.submitted,
      assignments: row.assigned,
    };
  }
}
