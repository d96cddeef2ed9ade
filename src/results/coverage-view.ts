import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { type Coverage, coverageOf } from './coverage';
import type { ResultsData } from './results-snapshot.types';

const kindLabel = (kind: string) => TERRITORY_KIND_LABELS[kind] ?? kind;

/**
 * Coverage shaped for the coverage partial: labels resolved, the silent territories first in the table.
 * `source` says where the figures come from (live rows or the snapshot), shown under the heading.
 */
export function coverageView(c: Coverage, source: 'live' | 'snapshot') {
  const rows = c.byTerritory.map((t) => ({ ...t, kindLabel: kindLabel(t.kind), silent: t.respondents === 0 }));
  return {
    live: source === 'live',
    respondents: c.respondents,
    covered: c.covered,
    total: c.total,
    percent: c.percent,
    silent: c.silent.map((t) => ({ ...t, kindLabel: kindLabel(t.kind) })),
    byKind: c.byKind.map((k) => ({ ...k, kindLabel: kindLabel(k.kind) })),
    rows: [...rows.filter((t) => t.silent), ...rows.filter((t) => !t.silent)],
  };
}

/**
 * Coverage of a stored snapshot. Snapshots made before `silent`/`byKind` existed list only territories that were
 * active or answered, so a territory with none there was active: the lists are derived from `byTerritory`.
 */
export function snapshotCoverage(d: ResultsData['discussion']): Coverage {
  if (d.territories.silent && d.territories.byKind) {
    return { respondents: d.respondents, ...d.territories };
  }
  return coverageOf(
    d.territories.byTerritory.map((t) => ({ id: t.territoryId, name: t.name, kind: t.kind, active: true, respondents: t.respondents })),
  );
}
