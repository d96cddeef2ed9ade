import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root';
import { TerritoryKind } from './entities/territory.entity';

export interface CodeName {
  code: string;
  name: string;
}

export interface DefaultQuestion {
  kind: 'single' | 'multi' | 'scale' | 'text';
  text: string;
  required: boolean;
  options?: { text: string; exclusive?: boolean }[];
  scale?: { min: number; max: number; minLabel?: string; maxLabel?: string };
  maxLength?: number;
}

export interface ReferenceData {
  organizationTypes: CodeName[];
  positions: CodeName[];
  directions: CodeName[];
  defaultDiscussionQuestions: DefaultQuestion[];
  defaultExpertCriteria: string[];
  defaultCriterionScale: { score: number; label: string }[];
  expertRecommendations: CodeName[];
  sampleOrganizations: { name: string; territory: string; type: string; baseSite: boolean; innovationSite: boolean }[];
}

export interface TerritoryRow {
  name: string;
  kind: TerritoryKind;
}

const dataDir = () => join(projectRoot(), 'src', 'reference', 'data');
let cachedRef: ReferenceData | undefined;

/** The reference data shipped with the product (copied from the project's brief into src/reference/data). */
export function referenceData(): ReferenceData {
  cachedRef ??= JSON.parse(readFileSync(join(dataDir(), 'reference.json'), 'utf8')) as ReferenceData;
  return cachedRef;
}

export function territoryRows(): TerritoryRow[] {
  const lines = readFileSync(join(dataDir(), 'territories.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const [name, kind] = line.split(',');
    return { name: name.trim(), kind: kind.trim() as TerritoryKind };
  });
}

/**
 * Kinds change over time (since 2023 some municipal districts became municipal okrugs), so administrators keep
 * them current and every figure uses the kind as it is now.
 */
export const TERRITORY_KIND_LABELS: Readonly<Record<string, string>> = {
  [TerritoryKind.UrbanOkrug]: 'Городской округ',
  [TerritoryKind.MunicipalDistrict]: 'Муниципальный район',
  [TerritoryKind.MunicipalOkrug]: 'Муниципальный округ',
};

/** A territory with its kind, the kind left out when the name already says it («Агаповский муниципальный район»). */
export function territoryLabel(name: string, kind: string): string {
  const label = TERRITORY_KIND_LABELS[kind];
  if (!label || name.toLowerCase().includes(label.toLowerCase())) return name;
  return `${name} (${label.toLowerCase()})`;
}
