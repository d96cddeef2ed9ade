import { CAMPAIGN_STATUS_LABELS, CampaignStatus } from '../campaigns/campaign-status';
import { QUESTION_KIND_LABELS, QuestionKind } from '../campaigns/entities/question.entity';
import { referenceData, TERRITORY_KIND_LABELS, territoryLabel } from '../reference/reference-data';
import type { ResultsSnapshotView, TerritoryFigure } from '../results/results-snapshot.types';

/**
 * Russian names for every code a report could show. Reports never print a code: an unknown one (a kind added to
 * the database before its label) is shown as «другое» rather than as the raw value.
 */
const OTHER = 'другое';

export { territoryLabel };

export const TERRITORY_KIND_PLURAL_LABELS: Readonly<Record<string, string>> = {
  urban_okrug: 'Городские округа',
  municipal_district: 'Муниципальные районы',
  municipal_okrug: 'Муниципальные округа',
};

export const territoryKindLabel = (kind: string): string => TERRITORY_KIND_LABELS[kind] ?? OTHER;
export const territoryKindPluralLabel = (kind: string): string => TERRITORY_KIND_PLURAL_LABELS[kind] ?? OTHER;
export const questionKindLabel = (kind: string): string => QUESTION_KIND_LABELS[kind as QuestionKind] ?? OTHER;
export const stageLabel = (stage: string): string => CAMPAIGN_STATUS_LABELS[stage as CampaignStatus] ?? OTHER;

/** An expert's recommendation as the database names it; a code missing from its table is named by the reference list. */
export function recommendationLabel(nameOrCode: string | null): string {
  if (!nameOrCode) return '';
  return referenceData().expertRecommendations.find((r) => r.code === nameOrCode)?.name ?? nameOrCode;
}

/** Active territories with no counted response: the list the centre phones. */
export function silentTerritories(snapshot: ResultsSnapshotView): TerritoryFigure[] {
  return snapshot.discussion.territories.byTerritory.filter((t) => t.respondents === 0);
}
