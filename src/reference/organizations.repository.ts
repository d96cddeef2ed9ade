import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SEARCH_FOLDED, SEARCH_PLAIN } from './organization-search';

export interface OrganizationRow {
  id: string;
  name: string;
}

/** Read side of the organization registry for the public questionnaire (the organizer's CRUD is in ReferenceService). */
@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Whether the territory exists and is active (inactive ones are not offered to respondents). */
  async territoryActive(territoryId: string): Promise<boolean> {
    const rows: { active: boolean }[] = await this.dataSource.query(`SELECT active FROM territories WHERE id = $1`, [territoryId]);
    return rows[0]?.active === true;
  }

  /** The territory's organizations by name. */
  byTerritory(territoryId: string): Promise<OrganizationRow[]> {
    return this.dataSource.query(`SELECT id, name FROM organizations WHERE territory_id = $1 ORDER BY name, id`, [territoryId]);
  }

  /**
   * Organizations of a territory whose name holds every pattern (ILIKE patterns built by `searchPatterns`, wildcards of
   * the user's text escaped). The name is folded the same way as the typed text: lower case, ё → е, punctuation and
   * quotes → spaces, padded with spaces so patterns can anchor at word starts.
   */
  matching(territoryId: string, patterns: string[], limit: number): Promise<OrganizationRow[]> {
    return this.dataSource.query(
      `SELECT id, name FROM organizations
        WHERE territory_id = $1 AND ' ' || translate(lower(name), $2, $3) || ' ' ILIKE ALL ($4::text[])
        ORDER BY length(name), name, id LIMIT $5`,
      [territoryId, SEARCH_PLAIN, SEARCH_FOLDED, patterns, limit],
    );
  }
}
