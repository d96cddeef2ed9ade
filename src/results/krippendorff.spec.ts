import { farExperts, krippendorffAlpha } from './krippendorff';
import { meanOf, medianOf, percent } from './statistics';

/** Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers, 12 units, missing values. */
const PAPER_UNITS: number[][] = [
  [1, 1, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [5, 5, 5],
  [1, 1],
  [3],
];

describe('krippendorffAlpha', () => {
  it('reproduces the published values of the 2011 paper example', () => {
    expect(krippendorffAlpha(PAPER_UNITS, 'nominal')!.toFixed(3)).toBe('0.743');
    expect(krippendorffAlpha(PAPER_UNITS, 'ordinal')!.toFixed(3)).toBe('0.815');
    expect(krippendorffAlpha(PAPER_UNITS, 'interval')!.toFixed(3)).toBe('0.849');
  });

  it('matches a hand computation: two coders, three units on 0..2', () => {
    // units (0,0) (1,2) (2,2), m_u = 2: o00 = 2, o12 = o21 = 1, o22 = 2; n0 = 2, n1 = 1, n2 = 3, n = 6.
    // ordinal δ² = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²: δ01 = (3 − 1.5)² = 2.25, δ12 = (4 − 2)² = 4, δ02 = (6 − 2.5)² = 12.25.
    // (n − 1)·Σ o·δ² = 5·(1·4 + 1·4) = 40; Σ n_c·n_k·δ² = 2·(2·1·2.25 + 1·3·4 + 2·3·12.25) = 180 → α = 1 − 40/180.
    expect(
      krippendorffAlpha([
        [0, 0],
        [1, 2],
        [2, 2],
      ]),
    ).toBeCloseTo(1 - 40 / 180, 12);
  });

  it('is 1 for perfect agreement with variation, undefined without variation or pairs', () => {
    expect(
      krippendorffAlpha([
        [0, 0],
        [2, 2],
        [1, 1],
      ]),
    ).toBe(1);
    expect(
      krippendorffAlpha([
        [2, 2],
        [2, 2],
      ]),
    ).toBeNull();
    expect(krippendorffAlpha([[1], [2]])).toBeNull();
    expect(krippendorffAlpha([])).toBeNull();
  });
});

describe('farExperts', () => {
  it('flags an expert a whole grade away on average from the others', () => {
    const e = (id: string, s: number[]) => ({ expertId: id, scores: new Map(s.map((v, i) => [`c${i}`, v])) });
    const result = farExperts([e('a', [2, 2, 2]), e('b', [2, 2, 1]), e('c', [0, 0, 0])]);
    // c: |0-2|,|0-2|,|0-1.5| → 5.5/3 = 1.83; a: |2-1|,|2-1|,|2-0.5| → 3.5/3 = 1.17; b: 1,1,|1-1| → 0.67
    expect(result).toEqual([
      { expertId: 'c', deviation: 1.83 },
      { expertId: 'a', deviation: 1.17 },
    ]);
    expect(farExperts([e('a', [0])])).toEqual([]);
  });
});

describe('statistics', () => {
  it('rounds percentages to one decimal and computes mean and median of a distribution', () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(1, 8)).toBe(12.5);
    expect(percent(0, 0)).toBe(0);
    const d = [
      { value: 1, count: 1 },
      { value: 3, count: 2 },
      { value: 5, count: 1 },
    ];
    expect(meanOf(d)).toBe(3);
    expect(medianOf(d)).toBe(3);
    expect(
      medianOf([
        { value: 1, count: 1 },
        { value: 4, count: 1 },
      ]),
    ).toBe(2.5);
    expect(
      meanOf([
        { value: 1, count: 2 },
        { value: 2, count: 1 },
      ]),
    ).toBe(1.33);
    expect(medianOf([])).toBeNull();
  });
});
