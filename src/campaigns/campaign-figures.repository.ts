import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface ReviewCountsRow {
  submitted: number;
  assigned: number;
}

/**
 * The one figure of the campaign page that belongs to another module's table: expertise owns `assignments` but
 * exports no count of them (docs/architecture.md lists this crossing until it does).
 */
@Injectable()
export class CampaignFiguresRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async reviewCounts(campaignId: string): Promise<ReviewCountsRow> {
    const [row]: ReviewCountsRow[] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE a.status = 'submitted')::int AS submitted, count(*)::int AS assigned
         FROM assignments a WHERE a.campaign_id = $1`,
      [campaignId],
    );
    return row;
  }
}
