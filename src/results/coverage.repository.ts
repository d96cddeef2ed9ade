import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Coverage, coverageOf, TerritoryCount } from './coverage';

/**
 * Live coverage of a campaign, counted straight from the responses (not the snapshot), for the organizer's campaign
 * page during a round: one GROUP BY over the (campaign_id, territory_id) index, joined to the ~43 territories.
 */
@Injectable()
export class CoverageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async coverage(campaignId: string): Promise<Coverage> {
    const rows: TerritoryCount[] = await this.dataSource.query(
      `WITH c AS (SELECT r.territory_id, count(*)::int AS n FROM responses r
                   WHERE r.campaign_id = $1 AND NOT r.excluded GROUP BY r.territory_id)
       SELECT t.id, t.name, t.kind, t.active, COALESCE(c.n, 0)::int AS respondents
         FROM territories t LEFT JOIN c ON c.territory_id = t.id
        WHERE t.active OR c.n > 0
        ORDER BY t.sort_order, t.name, t.kind`,
      [campaignId],
    );
    return coverageOf(rows);
  }
}
