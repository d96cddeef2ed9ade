/**
 * Krippendorff's alpha by the coincidence-matrix method (K. Krippendorff, "Computing Krippendorff's
 * Alpha-Reliability", 2011). Pure: the aggregation loads the (few) submitted review scores and calls it.
 *
 * `units` is a list of units (criteria), each a list of the values the coders (experts) gave it; a missing value is
 * simply absent. Units with fewer than two values are not pairable and are ignored.
 * Returns null when alpha is undefined: fewer than two pairable values, or no variation at all (D_e = 0).
 */
export type AlphaMetric = 'nominal' | 'ordinal' | 'interval';

export function krippendorffAlpha(units: readonly (readonly number[])[], metric: AlphaMetric = 'ordinal'): number | null {
  const pairable = units.filter((u) => u.length >= 2);
  const values = [...new Set(pairable.flat())].sort((a, b) => a - b);
  if (values.length === 0) return null;
  const index = new Map(values.map((v, i) => [v, i]));
  const size = values.length;
  // o[c][k]: coincidences of values c and k; each unit contributes its ordered pairs divided by (m_u - 1)
  const o = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (const unit of pairable) {
    const m = unit.length;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (i === j) continue;
        o[index.get(unit[i])!][index.get(unit[j])!] += 1 / (m - 1);
      }
    }
  }
  const nc = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = nc.reduce((s, x) => s + x, 0);
  if (n <= 1) return null;
  const delta2 = (c: number, k: number): number => {
    if (metric === 'nominal') return c === k ? 0 : 1;
    if (metric === 'interval') return (values[c] - values[k]) ** 2;
    // ordinal: (sum of n_g for g from c to k, minus half of n_c and n_k) squared
    const [lo, hi] = c <= k ? [c, k] : [k, c];
    let s = 0;
    for (let g = lo; g <= hi; g++) s += nc[g];
    return (s - (nc[c] + nc[k]) / 2) ** 2;
  };
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < size; c++) {
    for (let k = 0; k < size; k++) {
      const d = delta2(c, k);
      observed += o[c][k] * d;
      expected += nc[c] * nc[k] * d;
    }
  }
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

export interface ExpertScores {
  expertId: string;
  /** criterionId → score */
  scores: ReadonlyMap<string, number>;
}

export interface FarExpert {
  expertId: string;
  /** Mean absolute deviation from the other experts' per-criterion means. */
  deviation: number;
}

/**
 * Experts whose scores stand far from the rest: for each expert, the mean over the criteria they scored of
 * |own score − mean of the other experts' scores for that criterion| (criteria nobody else scored are skipped);
 * flagged when it is at least `threshold` (1.0 on the 0..2 scale: a whole grade away on average).
 */
export function farExperts(experts: readonly ExpertScores[], threshold = 1.0): FarExpert[] {
  if (experts.length < 2) return [];
  const out: FarExpert[] = [];
  for (const e of experts) {
    let total = 0;
    let count = 0;
    for (const [criterionId, score] of e.scores) {
      const others = experts.filter((x) => x !== e && x.scores.has(criterionId)).map((x) => x.scores.get(criterionId)!);
      if (!others.length) continue;
      total += Math.abs(score - others.reduce((s, x) => s + x, 0) / others.length);
      count++;
    }
    if (!count) continue;
    const deviation = Math.round((total / count) * 100) / 100;
    if (deviation >= threshold) out.push({ expertId: e.expertId, deviation });
  }
  return out.sort((a, b) => b.deviation - a.deviation || a.expertId.localeCompare(b.expertId));
}
