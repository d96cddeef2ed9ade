import { percent } from './statistics';

/** One territory with its respondent count: an active one, or a since-deactivated one that has responses. */
export interface TerritoryCount {
  id: string;
  name: string;
  kind: string;
  active: boolean;
  respondents: number;
}

/** An active territory with no respondent at all: the list the centre phones during a round. */
export interface SilentTerritory {
  territoryId: string;
  name: string;
  kind: string;
}

/** «N из M» for one territory kind: active territories of the kind with at least one respondent, of all of them. */
export interface KindCoverage {
  kind: string;
  covered: number;
  total: number;
  percent: number;
}

export interface Coverage {
  respondents: number;
  covered: number;
  total: number;
  percent: number;
  byTerritory: { territoryId: string; name: string; kind: string; respondents: number; percent: number }[];
  silent: SilentTerritory[];
  byKind: KindCoverage[];
}

/**
 * Coverage from per-territory counts (the snapshot's and the live campaign page's share this, so both say the same):
 * covered is "N of the active territories" — a response from a since-deactivated territory is counted, not covered.
 * Lists keep the order of `territories` (the reference order); kinds are ordered by their code.
 */
export function coverageOf(territories: readonly TerritoryCount[]): Coverage {
  const respondents = territories.reduce((s, t) => s + t.respondents, 0);
  const active = territories.filter((t) => t.active);
  const covered = active.filter((t) => t.respondents > 0).length;
  const kinds = [...new Set(active.map((t) => t.kind))].sort();
  return {
    respondents,
    covered,
    total: active.length,
    percent: percent(covered, active.length),
    byTerritory: territories.map((t) => ({
      territoryId: t.id,
      name: t.name,
      kind: t.kind,
      respondents: t.respondents,
      percent: percent(t.respondents, respondents),
    })),
    silent: active.filter((t) => t.respondents === 0).map((t) => ({ territoryId: t.id, name: t.name, kind: t.kind })),
    byKind: kinds.map((kind) => {
      const ofKind = active.filter((t) => t.kind === kind);
      const n = ofKind.filter((t) => t.respondents > 0).length;
      return { kind, covered: n, total: ofKind.length, percent: percent(n, ofKind.length) };
    }),
  };
}
