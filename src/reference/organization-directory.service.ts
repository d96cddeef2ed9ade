import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { OrganizationRow, OrganizationsRepository } from './organizations.repository';
import { sameName, searchPatterns } from './organization-search';
import { isUuid } from '../common/uuid';

/** One territory's registry as the public picker receives it: the JSON once serialized, its ETag, the rows. */
export interface TerritoryDirectory {
  organizations: OrganizationRow[];
  json: string;
  etag: string;
}

/** What the server made of a typed organization name in a territory. */
export type NameMatch =
  { kind: 'none' } | { kind: 'exact'; organization: OrganizationRow } | { kind: 'candidates'; candidates: OrganizationRow[] };

/**
 * How long one instance trusts its copy of a territory's registry. Several instances each re-read within this time of
 * an organizer's change; the ETag is a hash of the content, so every instance gives the same one for the same list.
 */
const DIRECTORY_TTL_MS = 10_000;
export const CANDIDATES_SHOWN = 10;

/** The registry by territory for respondents: a small cached JSON for the picker, and matching of a typed name. */
@Injectable()
export class OrganizationDirectoryService {
  private readonly cache = new Map<string, { value: Promise<TerritoryDirectory | null>; at: number }>();

  constructor(private readonly organizations: OrganizationsRepository) {}

  /** The organizations of an active territory; null for an unknown, inactive or malformed id. */
  territory(territoryId: string): Promise<TerritoryDirectory | null> {
    if (!isUuid(territoryId)) return Promise.resolve(null);
    const id = territoryId.toLowerCase();
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && now - hit.at < DIRECTORY_TTL_MS) return hit.value;
    const value = this.load(id);
    value.catch(() => this.cache.delete(id));
    if (this.cache.size > 1_000) this.cache.clear();
    this.cache.set(id, { value, at: now });
    return value;
  }

  /** A registry entry of the territory by id (for checking a choice against the chosen territory). */
  async find(territoryId: string, organizationId: string): Promise<OrganizationRow | null> {
    const directory = await this.territory(territoryId);
    const id = organizationId.toLowerCase();
    return directory?.organizations.find((o) => o.id === id) ?? null;
  }

  /**
   * A typed name against the territory's registry: one entry with the same words is taken as it is; otherwise up to
   * CANDIDATES_SHOWN entries holding every typed word are offered to confirm; none means the name stays free text.
   */
  async match(territoryId: string, typed: string): Promise<NameMatch> {
    const patterns = searchPatterns(typed);
    if (!patterns.length || !(await this.territory(territoryId))) return { kind: 'none' };
    const found = await this.organizations.matching(territoryId.toLowerCase(), patterns, CANDIDATES_SHOWN + 1);
    const exact = found.filter((o) => sameName(o.name, typed));
    if (exact.length === 1) return { kind: 'exact', organization: exact[0] };
    if (!found.length) return { kind: 'none' };
    return { kind: 'candidates', candidates: found.slice(0, CANDIDATES_SHOWN) };
  }

  private async load(territoryId: string): Promise<TerritoryDirectory | null> {
    if (!(await this.organizations.territoryActive(territoryId))) return null;
    const organizations = await this.organizations.byTerritory(territoryId);
    const json = JSON.stringify({ territoryId, organizations });
    return { organizations, json, etag: `W/"${createHash('sha256').update(json).digest('base64url').slice(0, 22)}"` };
  }
}
