/**
 * Small pure helpers shared by the aggregation, the reports and the tests' documentation. Rounding rules (docs/api.md):
 * percentages to one decimal, means to two decimals, half away from zero on the decimal representation.
 */

/** count / base × 100, rounded to one decimal; 0 when the base is 0. */
export function percent(count: number, base: number): number {
  if (!base) return 0;
  return Math.round((count * 1000) / base) / 10;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface ValueCount {
  value: number;
  count: number;
}

/** Mean of a distribution, rounded to two decimals; null when empty. */
export function meanOf(distribution: readonly ValueCount[]): number | null {
  let n = 0;
  let sum = 0;
  for (const { value, count } of distribution) {
    n += count;
    sum += value * count;
  }
  return n ? round2(sum / n) : null;
}

/** The usual median (average of the two middle values for an even count) of a distribution; null when empty. */
export function medianOf(distribution: readonly ValueCount[]): number | null {
  const sorted = [...distribution].filter((d) => d.count > 0).sort((a, b) => a.value - b.value);
  const n = sorted.reduce((s, d) => s + d.count, 0);
  if (!n) return null;
  const at = (index: number): number => {
    let seen = 0;
    for (const d of sorted) {
      seen += d.count;
      if (index < seen) return d.value;
    }
    throw new Error('unreachable');
  };
  return n % 2 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
}
