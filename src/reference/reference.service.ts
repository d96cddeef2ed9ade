import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { NotFoundError, ValidationError } from '../common/domain-error';
import { Organization } from './entities/organization.entity';
import { Territory } from './entities/territory.entity';
import { referenceData, territoryRows } from './reference-data';
import { CodeListTable, ReferenceRepository } from './reference.repository';

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

  constructor(private readonly repo: ReferenceRepository) {}

  /** Loads territories, code lists and sample organizations; running it again changes nothing. */
  async seedReference(): Promise<{ territories: number; organizations: number }> {
    const ref = referenceData();
    return this.repo.transaction(async (m) => {
      for (const [i, t] of territoryRows().entries()) await this.repo.upsertTerritory(m, t.name, t.kind, i);
      const lists: [CodeListTable, { code: string; name: string }[]][] = [
        ['organization_types', ref.organizationTypes],
        ['positions', ref.positions],
        ['directions', ref.directions],
        ['recommendations', ref.expertRecommendations],
      ];
      for (const [table, items] of lists) {
        for (const [i, item] of items.entries()) await this.repo.upsertCodeItem(m, table, item, i);
      }
      for (const org of ref.sampleOrganizations) await this.repo.insertSeedOrganization(m, org);
      const { territories, organizations } = await this.repo.counts(m);
      this.logger.log(`reference data: ${territories} territories, ${organizations} organizations`);
      return { territories, organizations };
    });
  }

  territories(): Promise<Territory[]> {
    return this.repo.territories();
  }

  /** Whether a territory with this id exists (`id` a UUID, in any case). */
  territoryExists(id: string, m?: EntityManager): Promise<boolean> {
    return this.repo.territoryExists(id.toLowerCase(), m);
  }

  /** The territory given by id or exact name, or the first territory of the list without one; null if none. */
  territoryIdByIdOrName(given?: string): Promise<string | null> {
    return this.repo.territoryIdByIdOrName(given);
  }

  /** The territory of an organization (`id` a UUID), or null when there is no such organization. */
  organizationTerritory(id: string, m?: EntityManager): Promise<string | null> {
    return this.repo.organizationTerritory(id, m);
  }

  async codeLists() {
    const lists = await this.repo.codeLists();
    const pick = (items: { code: string; name: string }[]) => items.map(({ code, name }) => ({ code, name }));
    return {
      organizationTypes: pick(lists.organization_types),
      positions: pick(lists.positions),
      directions: pick(lists.directions),
      recommendations: pick(lists.recommendations),
    };
  }

  organizations(territoryId?: string): Promise<Organization[]> {
    return this.repo.organizations(territoryId);
  }

  private async validateOrganization(m: EntityManager, input: OrganizationInput, partial: boolean): Promise<void> {
    const problems: string[] = [];
    if (!partial || input.name !== undefined) {
      if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 300)
        problems.push('name: укажите название (до 300 символов)');
    }
    if (!partial || input.territoryId !== undefined) {
      const ok = typeof input.territoryId === 'string' && (await this.repo.territoryExists(input.territoryId, m));
      if (!ok) problems.push('territoryId: неизвестная территория');
    }
    if (!partial || input.typeCode !== undefined) {
      const ok = typeof input.typeCode === 'string' && (await this.repo.typeExists(input.typeCode, m));
      if (!ok) problems.push('typeCode: неизвестный тип организации');
    }
    if (problems.length) throw new ValidationError(problems);
  }

  async createOrganization(input: OrganizationInput): Promise<Organization> {
    return this.repo.transaction(async (m) => {
      await this.validateOrganization(m, input, false);
      return this.repo.saveOrganization(m, {
        name: input.name!.trim(),
        territoryId: input.territoryId!,
        typeCode: input.typeCode!,
        baseSite: input.baseSite ?? false,
        innovationSite: input.innovationSite ?? false,
      });
    });
  }

  async updateOrganization(id: string, input: OrganizationInput): Promise<Organization> {
    return this.repo.transaction(async (m) => {
      const org = await this.repo.findOrganization(id, m);
      if (!org) throw new NotFoundError('Организация');
      await this.validateOrganization(m, input, true);
      Object.assign(org, {
        ...(input.name !== undefined && { name: input.name.trim() }),
        ...(input.territoryId !== undefined && { territoryId: input.territoryId }),
        ...(input.typeCode !== undefined && { typeCode: input.typeCode }),
        ...(input.baseSite !== undefined && { baseSite: input.baseSite }),
        ...(input.innovationSite !== undefined && { innovationSite: input.innovationSite }),
      });
      return this.repo.saveOrganization(m, org);
    });
  }

  async deleteOrganization(id: string): Promise<void> {
    if (!(await this.repo.deleteOrganization(id))) throw new NotFoundError('Организация');
  }
}
