import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { TerritoryKind } from './entities/territory.entity';

export interface TerritoryRow {
  id: string;
  name: string;
  kind: TerritoryKind;
  active: boolean;
  sort_order: number;
  organizations: number;
}

export interface OrganizationRow {
  id: string;
  name: string;
  territory_id: string;
  territory_name: string;
  territory_kind: TerritoryKind;
  type_code: string;
  type_name: string;
  base_site: boolean;
  innovation_site: boolean;
  inn: string | null;
  directions: string[];
}

export interface OrganizationFilter {
  search?: string;
  territoryId?: string;
  baseSite?: boolean;
  limit: number;
  offset: number;
}

export interface OrganizationWrite {
  name: string;
  territoryId: string;
  typeCode: string;
  baseSite: boolean;
  innovationSite: boolean;
  inn: string | null;
  directions: string[];
}

export interface TerritoryWrite {
  name: string;
  kind: TerritoryKind;
  active: boolean;
  sortOrder: number;
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const ORG_COLUMNS = `o.id, o.name, o.territory_id, t.name AS territory_name, t.kind AS territory_kind, o.type_code, ot.name AS type_name,
  o.base_site, o.innovation_site, o.inn, o.directions`;
const ORG_FROM = `organizations o JOIN territories t ON t.id = o.territory_id JOIN organization_types ot ON ot.code = o.type_code`;

/** Territories and organizations as administrators edit them, and the base-site network. */
@Injectable()
export class ReferenceAdminRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  territories(): Promise<TerritoryRow[]> {
    return this.dataSource.query(
      `SELECT t.id, t.name, t.kind, t.active, t.sort_order,
              (SELECT count(*)::int FROM organizations o WHERE o.territory_id = t.id) AS organizations
         FROM territories t ORDER BY t.sort_order, t.name`,
    );
  }

  async territory(id: string, m?: EntityManager): Promise<TerritoryRow | null> {
    const rows: TerritoryRow[] = await (m ?? this.dataSource.manager).query(
      `SELECT t.id, t.name, t.kind, t.active, t.sort_order, 0 AS organizations FROM territories t WHERE t.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  async territoryExists(m: EntityManager, name: string, kind: TerritoryKind, exceptId?: string): Promise<boolean> {
    const rows = await m.query(`SELECT 1 FROM territories WHERE lower(name) = lower($1) AND kind = $2 AND id::text <> $3`, [
      name,
      kind,
      exceptId ?? '',
    ]);
    return rows.length > 0;
  }

  async insertTerritory(m: EntityManager, t: TerritoryWrite): Promise<string> {
    const [row] = await m.query(`INSERT INTO territories (name, kind, active, sort_order) VALUES ($1, $2, $3, $4) RETURNING id`, [
      t.name,
      t.kind,
      t.active,
      t.sortOrder,
    ]);
    return row.id;
  }

  async updateTerritory(m: EntityManager, id: string, t: TerritoryWrite): Promise<void> {
    await m.query(`UPDATE territories SET name = $2, kind = $3, active = $4, sort_order = $5 WHERE id = $1`, [
      id,
      t.name,
      t.kind,
      t.active,
      t.sortOrder,
    ]);
  }

  async organizations(f: OrganizationFilter): Promise<{ rows: OrganizationRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.search) where.push(`(o.name ILIKE ${p(likePattern(f.search))} OR o.inn = ${p(f.search)})`);
    if (f.territoryId) where.push(`o.territory_id = ${p(f.territoryId)}`);
    if (f.baseSite !== undefined) where.push(`o.base_site = ${p(f.baseSite)}`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: { total: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM ${ORG_FROM} ${clause}`,
      params,
    );
    const rows: OrganizationRow[] = await this.dataSource.query(
      `SELECT ${ORG_COLUMNS} FROM ${ORG_FROM} ${clause} ORDER BY t.sort_order, t.name, o.name LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`,
      params,
    );
    return { rows, total };
  }

  allOrganizations(): Promise<OrganizationRow[]> {
    return this.dataSource.query(`SELECT ${ORG_COLUMNS} FROM ${ORG_FROM} ORDER BY t.sort_order, t.name, o.name`);
  }

  baseSites(): Promise<OrganizationRow[]> {
    return this.dataSource.query(`SELECT ${ORG_COLUMNS} FROM ${ORG_FROM} WHERE o.base_site ORDER BY t.sort_order, t.name, o.name`);
  }

  async organization(id: string, m?: EntityManager): Promise<OrganizationRow | null> {
    const rows: OrganizationRow[] = await (m ?? this.dataSource.manager).query(`SELECT ${ORG_COLUMNS} FROM ${ORG_FROM} WHERE o.id = $1`, [
      id,
    ]);
    return rows[0] ?? null;
  }

  async organizationExists(m: EntityManager, name: string, territoryId: string, exceptId?: string): Promise<boolean> {
    const rows = await m.query(`SELECT 1 FROM organizations WHERE name = $1 AND territory_id = $2 AND id::text <> $3`, [
      name,
      territoryId,
      exceptId ?? '',
    ]);
    return rows.length > 0;
  }

  async insertOrganization(m: EntityManager, o: OrganizationWrite): Promise<string> {
    const [row] = await m.query(
      `INSERT INTO organizations (name, territory_id, type_code, base_site, innovation_site, inn, directions)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[]) RETURNING id`,
      [o.name, o.territoryId, o.typeCode, o.baseSite, o.innovationSite, o.inn, o.directions],
    );
    return row.id;
  }

  async updateOrganization(m: EntityManager, id: string, o: OrganizationWrite): Promise<void> {
    await m.query(
      `UPDATE organizations SET name = $2, territory_id = $3, type_code = $4, base_site = $5, innovation_site = $6, inn = $7,
              directions = $8::text[] WHERE id = $1`,
      [id, o.name, o.territoryId, o.typeCode, o.baseSite, o.innovationSite, o.inn, o.directions],
    );
  }

  /** Insert or update by (name, territory): importing the same file twice changes nothing the second time. */
  async upsertOrganization(m: EntityManager, o: OrganizationWrite): Promise<'created' | 'updated' | 'same'> {
    const [row]: { inserted: boolean }[] = await m.query(
      `INSERT INTO organizations (name, territory_id, type_code, base_site, innovation_site, inn, directions)
       VALUES ($1, $2, $3, $4, $5, $6, $7::text[])
       ON CONFLICT (territory_id, name) DO UPDATE SET type_code = EXCLUDED.type_code, base_site = EXCLUDED.base_site,
         innovation_site = EXCLUDED.innovation_site, inn = EXCLUDED.inn, directions = EXCLUDED.directions
       WHERE (organizations.type_code, organizations.base_site, organizations.innovation_site, organizations.inn, organizations.directions)
             IS DISTINCT FROM (EXCLUDED.type_code, EXCLUDED.base_site, EXCLUDED.innovation_site, EXCLUDED.inn, EXCLUDED.directions)
       RETURNING (xmax = 0) AS inserted`,
      [o.name, o.territoryId, o.typeCode, o.baseSite, o.innovationSite, o.inn, o.directions],
    );
    return !row ? 'same' : row.inserted ? 'created' : 'updated';
  }

  /** Whether anything refers to the organization (responses, expert profiles, documents): then it stays. */
  async organizationInUse(m: EntityManager, id: string): Promise<boolean> {
    const [{ used }] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM responses WHERE organization_id = $1)
           OR EXISTS (SELECT 1 FROM expert_profiles WHERE organization_id = $1)
           OR EXISTS (SELECT 1 FROM documents WHERE author_organization_id = $1) AS used`,
      [id],
    );
    return used;
  }

  async deleteOrganization(m: EntityManager, id: string): Promise<void> {
    await m.query(`DELETE FROM organizations WHERE id = $1`, [id]);
  }
}
