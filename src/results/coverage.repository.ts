import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Coverage, coverageOf, TerritoryCount } from './coverage';

/**
 * Live coverage of a campaign (not the snapshot), for the organizer's campaign page during a round: the response
 * tallies, which the statement storing each batch of submissions moves, summed per territory and joined to the ~43
 * territories — a few hundred rows whatever the round's size.
 */
@Injectable()
export class CoverageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async coverage(campaignId: string): Promise<Coverage> {
    const rows: TerritoryCount[] = await this.dataSource.query(
      `WITH c AS (SELECT territory_id, sum(n)::int AS n FROM response_tally_sums
                   WHERE campaign_id = $1 AND NOT excluded GROUP BY territory_id)
       SELECT t.id, t.name, t.kind, t.active, COALESCE(c.n, 0)::int AS respondents
         FROM territories t LEFT JOIN c ON c.territory_id = t.id
        WHERE t.active OR c.n > 0
        ORDER BY t.sort_order, t.name, t.kind`,
      [campaignId],
    );
    return coverageOf(rows);
  }
}
