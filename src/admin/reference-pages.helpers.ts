import { TerritoryKind } from '../reference/entities/territory.entity';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';

export const HTML = 'text/html; charset=utf-8';

export const territoryLabel = (t: { name: string; kind: TerritoryKind | string }) => `${t.name} (${TERRITORY_KIND_LABELS[t.kind] ?? ''})`;

export const kindOptions = (selected?: string) =>
  Object.values(TerritoryKind).map((k) => ({ value: k, label: TERRITORY_KIND_LABELS[k], selected: k === selected }));

/** The refusal's field errors, with the form's list of links to the fields. */
export function fieldErrorList(fieldErrors: Record<string, string>, prefix = '') {
  return Object.entries(fieldErrors).map(([field, message]) => ({ field: `${prefix}${field}`, message }));
}
