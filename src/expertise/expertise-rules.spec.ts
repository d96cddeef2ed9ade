import { conflictOf, parseDueAt } from './assignment-rules';
import { neutralizeCell } from './registry-export.service';
import { parseShape } from './reviews.service';

const C1 = '11111111-1111-4111-8111-111111111111';
const C2 = '22222222-2222-4222-8222-222222222222';

describe('expertise rules (pure parts)', () => {
  it('conflict of interest: the author organization first, then the author territory', () => {
    const doc = { id: 'd', title: 'Д', direction_code: null, author_organization_id: 'org', author_territory_id: 'ter' };
    expect(conflictOf({ organization_id: 'org', territory_id: 'ter' }, doc)).toBe('организация эксперта — автор документа');
    expect(conflictOf({ organization_id: null, territory_id: 'ter' }, doc)).toBe('территория эксперта — автор документа');
    expect(conflictOf({ organization_id: 'other', territory_id: 'elsewhere' }, doc)).toBeNull();
    expect(
      conflictOf({ organization_id: null, territory_id: 'x' }, { ...doc, author_organization_id: null, author_territory_id: null }),
    ).toBeNull();
  });

  it('due dates: ISO 8601 or nothing', () => {
    expect(parseDueAt(undefined)).toBeNull();
    expect(parseDueAt('')).toBeNull();
    expect(parseDueAt('2031-01-01T00:00:00Z')!.toISOString()).toBe('2031-01-01T00:00:00.000Z');
    expect(() => parseDueAt('tomorrow')).toThrow('dueAt: неверная дата (ожидается ISO 8601)');
    expect(() => parseDueAt(5)).toThrow('dueAt: неверная дата');
  });

  it('XLSX cells that would be formulas get a leading quote', () => {
    for (const v of ['=1+1', '+7', '-3', '@SUM(A1)', '\tx', '\rx']) expect(neutralizeCell(v)).toBe(`'${v}`);
    for (const v of ['Иванов', '', '1=1', 'a-b']) expect(neutralizeCell(v)).toBe(v);
  });

  it('review shape: names every bad field; accepts a draft without recommendation', () => {
    expect(parseShape({ scores: [{ criterionId: C1, score: 2 }], submit: false })).toEqual({
      scores: [{ index: 0, criterionId: C1, score: 2, comment: '' }],
      recommendation: null,
      comment: '',
      submit: false,
    });
    expect(() =>
      parseShape({
        scores: [{ criterionId: 'x', score: 1 }, { criterionId: C2, score: 0.5, comment: 3 }, null],
        recommendation: 7,
        comment: 'x'.repeat(5001),
        submit: 'yes',
      }),
    ).toThrow(
      [
        'scores[0].criterionId: неверный идентификатор критерия',
        'scores[1].score: оценка должна быть целым числом',
        'scores[1].comment: должен быть строкой',
        'scores[2]: должен быть объектом',
        'recommendation: должна быть строкой (код рекомендации)',
        'comment: не более 5000 символов',
        'submit: должно быть true или false',
      ].join('; '),
    );
  });
});
