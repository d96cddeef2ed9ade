import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TerritoryKind } from '../reference/entities/territory.entity';

export interface BaseSiteChoiceRow {
  territory_id: string;
  territory_name: string;
  territory_kind: TerritoryKind;
  respondents: number;
  organizations: number;
}

/**
 * How many respondents of a campaign named a base-site organization as theirs, per territory of that organization.
 * Responses stay anonymous: only the chosen organization is read, and only counts leave this query.
 */
@Injectable()
export class BaseSiteChoicesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  perTerritory(campaignId: string): Promise<BaseSiteChoiceRow[]> {
    return this.dataSource.query(
      `SELECT t.id AS territory_id, t.name AS territory_name, t.kind AS territory_kind,
              count(*)::int AS respondents, count(DISTINCT o.id)::int AS organizations
         FROM responses r
         JOIN organizations o ON o.id = r.organization_id AND o.base_site
         JOIN territories t ON t.id = o.territory_id
        WHERE r.campaign_id = $1 AND r.excluded = false
        GROUP BY t.id, t.name, t.kind, t.sort_order
        ORDER BY t.sort_order, t.name`,
      [campaignId],
    );
  }

  async countedResponses(campaignId: string): Promise<number> {
    const [{ n }] = await this.dataSource.query(
      `SELECT coalesce(sum(n), 0)::int AS n FROM response_tally_sums WHERE campaign_id = $1 AND NOT excluded`,
      [campaignId],
    );
    return n;
  }
}
