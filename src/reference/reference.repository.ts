import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, DeepPartial, EntityManager } from 'typeorm';
import { Organization } from './entities/organization.entity';
import { Direction, OrganizationType, Position, Recommendation } from './entities/reference-item.entity';
import { Territory } from './entities/territory.entity';

/** The code lists a seed writes, each a table of (code, name, sort_order). */
export type CodeListTable = 'organization_types' | 'positions' | 'directions' | 'recommendations';

export interface CodeNameRow {
  code: string;
  name: string;
}

export interface SeedOrganization {
  name: string;
  /** territory name */
  territory: string;
  type: string;
  baseSite: boolean;
  innovationSite: boolean;
}

export interface ReferenceCounts {
  territories: number;
  organizations: number;
}

/**
 * Territories, the code lists and organizations as the API and the other modules read them, and the idempotent
 * seed. (The administrators' editing is in ReferenceAdminRepository, the public picker's search in
 * OrganizationsRepository.) Methods that take an EntityManager run in the caller's transaction.
 */
@Injectable()
export class ReferenceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  territories(): Promise<Territory[]> {
    return this.dataSource.getRepository(Territory).find({ order: { sortOrder: 'ASC', name: 'ASC' } });
  }

  /** By the id's text as given (an upper-case UUID is not found, as the organization API has always answered). */
  async territoryExists(id: string, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM territories WHERE id::text = $1`, [id]);
    return rows.length > 0;
  }

  /** A territory by its id or its exact name (the first by order when names repeat across kinds), or the first one. */
  async territoryIdByIdOrName(given?: string): Promise<string | null> {
    const rows: { id: string }[] = given
      ? await this.dataSource.query(`SELECT id FROM territories WHERE id::text = $1 OR name = $1 ORDER BY sort_order LIMIT 1`, [given])
      : await this.dataSource.query(`SELECT id FROM territories ORDER BY sort_order, name LIMIT 1`);
    return rows[0]?.id ?? null;
  }

  async codeLists(): Promise<Record<CodeListTable, CodeNameRow[]>> {
    const order = { order: { sortOrder: 'ASC' as const } };
    const [organizationTypes, positions, directions, recommendations] = await Promise.all([
      this.dataSource.getRepository(OrganizationType).find(order),
      this.dataSource.getRepository(Position).find(order),
      this.dataSource.getRepository(Direction).find(order),
      this.dataSource.getRepository(Recommendation).find(order),
    ]);
    return { organization_types: organizationTypes, positions, directions, recommendations };
  }

  async typeExists(code: string, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM organization_types WHERE code = $1`, [code]);
    return rows.length > 0;
  }

  organizations(territoryId?: string): Promise<Organization[]> {
    return this.dataSource.getRepository(Organization).find({ where: territoryId ? { territoryId } : {}, order: { name: 'ASC' } });
  }

  findOrganization(id: string, m: EntityManager = this.dataSource.manager): Promise<Organization | null> {
    return m.getRepository(Organization).findOneBy({ id });
  }

  /** The territory of an organization (`id` a UUID), or null when there is no such organization. */
  async organizationTerritory(id: string, m: EntityManager = this.dataSource.manager): Promise<string | null> {
    const rows: { territory_id: string }[] = await m.query(`SELECT territory_id FROM organizations WHERE id = $1`, [id]);
    return rows[0]?.territory_id ?? null;
  }

  saveOrganization(m: EntityManager, organization: DeepPartial<Organization>): Promise<Organization> {
    const repo = m.getRepository(Organization);
    return repo.save(repo.create(organization));
  }

  /** Whether a row was deleted. */
  async deleteOrganization(id: string): Promise<boolean> {
    const res = await this.dataSource.getRepository(Organization).delete({ id });
    return !!res.affected;
  }

  async upsertTerritory(m: EntityManager, name: string, kind: string, sortOrder: number): Promise<void> {
    await m.query(
      `INSERT INTO territories (name, kind, active, sort_order) VALUES ($1, $2, true, $3)
       ON CONFLICT (name, kind) DO UPDATE SET sort_order = EXCLUDED.sort_order`,
      [name, kind, sortOrder],
    );
  }

  async upsertCodeItem(m: EntityManager, table: CodeListTable, item: CodeNameRow, sortOrder: number): Promise<void> {
    await m.query(
      `INSERT INTO ${table} (code, name, sort_order) VALUES ($1, $2, $3)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, sort_order = EXCLUDED.sort_order`,
      [item.code, item.name, sortOrder],
    );
  }

  /** Adds a sample organization unless its territory already has one by that name. */
  async insertSeedOrganization(m: EntityManager, org: SeedOrganization): Promise<void> {
    await m.query(
      `INSERT INTO organizations (name, territory_id, type_code, base_site, innovation_site)
       SELECT $1, t.id, $3, $4, $5 FROM territories t WHERE t.name = $2
       ON CONFLICT (territory_id, name) DO NOTHING`,
      [org.name, org.territory, org.type, org.baseSite, org.innovationSite],
    );
  }

  async counts(m: EntityManager): Promise<ReferenceCounts> {
    const [row]: ReferenceCounts[] = await m.query(
      `SELECT (SELECT count(*)::int FROM territories) AS territories, (SELECT count(*)::int FROM organizations) AS organizations`,
    );
    return row;
  }
}
