import { TerritoryKind } from '../reference/entities/territory.entity';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';

export const territoryLabel = (t: { name: string; kind: TerritoryKind | string }) => `${t.name} (${TERRITORY_KIND_LABELS[t.kind] ?? ''})`;

export const kindOptions = (selected?: string) =>
  Object.values(TerritoryKind).map((k) => ({ value: k, label: TERRITORY_KIND_LABELS[k], selected: k === selected }));

/** The summary of a refused "new …" form links to `new-<field>`: the list page holds that form beside the list. */
export const newField = (field: string) => `new-${field}`;
