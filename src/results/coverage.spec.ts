import { containsPattern } from './answers.repository';
import { coverageOf } from './coverage';

describe('coverageOf', () => {
  const t = (id: string, kind: string, respondents: number, active = true) => ({ id, name: `T${id}`, kind, active, respondents });

  it('names the silent active territories in order, counts «N из M» per kind, and never covers an inactive one', () => {
    const c = coverageOf([
      t('1', 'urban_okrug', 3),
      t('2', 'municipal_district', 0),
      t('3', 'urban_okrug', 0),
      t('4', 'municipal_district', 1),
      t('5', 'urban_okrug', 4, false),
    ]);
    expect(c.respondents).toBe(8);
    expect([c.covered, c.total, c.percent]).toEqual([2, 4, 50]);
    expect(c.silent).toEqual([
      { territoryId: '2', name: 'T2', kind: 'municipal_district' },
      { territoryId: '3', name: 'T3', kind: 'urban_okrug' },
    ]);
    expect(c.byKind).toEqual([
      { kind: 'municipal_district', covered: 1, total: 2, percent: 50 },
      { kind: 'urban_okrug', covered: 1, total: 2, percent: 50 },
    ]);
    expect(c.byTerritory.map((x) => x.percent)).toEqual([37.5, 0, 0, 12.5, 50]);
  });
});

describe('containsPattern', () => {
  it('takes the user’s wildcards and escape character literally', () => {
    expect(containsPattern('100%')).toBe('%100\\%%');
    expect(containsPattern('a_b\\c')).toBe('%a\\_b\\\\c%');
    expect(containsPattern('обычный текст')).toBe('%обычный текст%');
  });
});
