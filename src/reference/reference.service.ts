import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { NotFoundError, ValidationError } from '../common/domain-error';
import { Organization } from './entities/organization.entity';
import { Direction, OrganizationType, Position, Recommendation } from './entities/reference-item.entity';
import { Territory } from './entities/territory.entity';
import { referenceData, territoryRows } from './reference-data';

export interface OrganizationInput {
  name?: string;
  territoryId?: string;
  typeCode?: string;
  baseSite?: boolean;
  innovationSite?: boolean;
}

@Injectable()
export class ReferenceService {
  private readonly logger = new Logger(ReferenceService.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Loads territories, code lists and sample organizations; running it again changes nothing. */
  async seedReference(): Promise<{ territories: number; organizations: number }> {
    const ref = referenceData();
    return this.dataSource.transaction(async (m) => {
      const rows = territoryRows();
      for (const [i, t] of rows.entries()) {
        await m.query(
          `INSERT INTO territories (name, kind, active, sort_order) VALUES ($1, $2, true, $3)
           ON CONFLICT (name, kind) DO UPDATE SET sort_order = EXCLUDED.sort_order`,
          [t.name, t.kind, i],
        );
      }
      const lists: [string, { code: string; name: string }[]][] = [
        ['organization_types', ref.organizationTypes],
        ['positions', ref.positions],
        ['directions', ref.directions],
        ['recommendations', ref.expertRecommendations],
      ];
      for (const [table, items] of lists) {
        for (const [i, item] of items.entries()) {
          await m.query(
            `INSERT INTO ${table} (code, name, sort_order) VALUES ($1, $2, $3)
             ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, sort_order = EXCLUDED.sort_order`,
            [item.code, item.name, i],
          );
        }
      }
      for (const org of ref.sampleOrganizations) {
        await m.query(
          `INSERT INTO organizations (name, territory_id, type_code, base_site, innovation_site)
           SELECT $1, t.id, $3, $4, $5 FROM territories t WHERE t.name = $2
           ON CONFLICT (territory_id, name) DO NOTHING`,
          [org.name, org.territory, org.type, org.baseSite, org.innovationSite],
        );
      }
      const [{ count: territories }] = await m.query(`SELECT count(*)::int AS count FROM territories`);
      const [{ count: organizations }] = await m.query(`SELECT count(*)::int AS count FROM organizations`);
      this.logger.log(`reference data: ${territories} territories, ${organizations} organizations`);
      return { territories, organizations };
    });
  }

  territories(): Promise<Territory[]> {
    return this.dataSource.getRepository(Territory).find({ order: { sortOrder: 'ASC', name: 'ASC' } });
  }

  async codeLists() {
    const order = { order: { sortOrder: 'ASC' as const } };
    const pick = (items: { code: string; name: string }[]) => items.map(({ code, name }) => ({ code, name }));
    const [organizationTypes, positions, directions, recommendations] = await Promise.all([
      this.dataSource.getRepository(OrganizationType).find(order),
      this.dataSource.getRepository(Position).find(order),
      this.dataSource.getRepository(Direction).find(order),
      this.dataSource.getRepository(Recommendation).find(order),
    ]);
    return {
      organizationTypes: pick(organizationTypes),
      positions: pick(positions),
      directions: pick(directions),
      recommendations: pick(recommendations),
    };
  }

  organizations(territoryId?: string): Promise<Organization[]> {
    return this.dataSource.getRepository(Organization).find({
      where: territoryId ? { territoryId } : {},
      order: { name: 'ASC' },
    });
  }

  private async validateOrganization(m: EntityManager, input: OrganizationInput, partial: boolean): Promise<void> {
    const problems: string[] = [];
    if (!partial || input.name !== undefined) {
      if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 300)
        problems.push('name: укажите название (до 300 символов)');
    }
    if (!partial || input.territoryId !== undefined) {
      const ok =
        typeof input.territoryId === 'string' &&
        (await m.query(`SELECT 1 FROM territories WHERE id::text = $1`, [input.territoryId])).length > 0;
      if (!ok) problems.push('territoryId: неизвестная территория');
    }
    if (!partial || input.typeCode !== undefined) {
      const ok =
        typeof input.typeCode === 'string' &&
        (await m.query(`SELECT 1 FROM organization_types WHERE code = $1`, [input.typeCode])).length > 0;
      if (!ok) problems.push('typeCode: неизвестный тип организации');
    }
    if (problems.length) throw new ValidationError(problems);
  }

  async createOrganization(input: OrganizationInput): Promise<Organization> {
    return this.dataSource.transaction(async (m) => {
      await this.validateOrganization(m, input, false);
      const repo = m.getRepository(Organization);
      return repo.save(
        repo.create({
          name: input.name!.trim(),
          territoryId: input.territoryId!,
          typeCode: input.typeCode!,
          baseSite: input.baseSite ?? false,
          innovationSite: input.innovationSite ?? false,
        }),
      );
    });
  }

  async updateOrganization(id: string, input: OrganizationInput): Promise<Organization> {
    return this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(Organization);
      const org = await repo.findOneBy({ id });
      if (!org) throw new NotFoundError('Организация');
      await this.validateOrganization(m, input, true);
      Object.assign(org, {
        ...(input.name !== undefined && { name: input.name.trim() }),
        ...(input.territoryId !== undefined && { territoryId: input.territoryId }),
        ...(input.typeCode !== undefined && { typeCode: input.typeCode }),
        ...(input.baseSite !== undefined && { baseSite: input.baseSite }),
        ...(input.innovationSite !== undefined && { innovationSite: input.innovationSite }),
      });
      return repo.save(org);
    });
  }

  async deleteOrganization(id: string): Promise<void> {
    const res = await this.dataSource.getRepository(Organization).delete({ id });
    if (!res.affected) throw new NotFoundError('Организация');
  }
}
