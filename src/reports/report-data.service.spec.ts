import { ResponseBatchRow } from './report-data.queries';
import { toRawRows } from './report-data.service';

const response = (picks: string | null, texts: [number, string][] | null): ResponseBatchRow => ({
  id: '0190c5a4-0000-7000-8000-000000000001',
  receipt: 'R-1',
  at_ms: 1_700_000_000_000,
  cursor_at: '2023-11-14 22:13:20+00',
  territory: 'Еткульский муниципальный район',
  territory_kind: 'municipal_district',
  organization_type: 'Школа',
  position: 'Учитель',
  organization: null,
  picks,
  texts,
});

describe('toRawRows (the raw rows of a report from the positions PostgreSQL hands over)', () => {
  const options = Array.from({ length: 25 }, (_, i) => `Вариант ${i + 1}`);
  const shape = { options, width: 7 + 12 };

  it('reads every column and option position, multi-digit ones too, and puts a multi-select in questionnaire order', () => {
    const [row] = toRawRows(
      [
        response('12:25;1:3;10=17;12:2;3:0;4=0;11=-2;12:10', [
          [2, 'текст; с разделителем'],
          [9, '=1+1'],
        ]),
      ],
      shape,
    );
    expect(row.slice(0, 7)).toEqual([
      'R-1',
      1_700_000_000_000,
      'Еткульский муниципальный район',
      'Муниципальный район',
      'Школа',
      'Учитель',
      null,
    ]);
    expect(row.slice(7)).toEqual([
      'Вариант 3',
      'текст; с разделителем',
      '', // an option no longer among the campaign's: an empty cell, as before
      0,
      null,
      null,
      null,
      null,
      '=1+1',
      17,
      -2,
      'Вариант 2; Вариант 10; Вариант 25',
    ]);
  });

  it('leaves every answer cell empty for a response without answers', () => {
    const [row] = toRawRows([response(null, null)], shape);
    expect(row.slice(7)).toEqual(new Array(12).fill(null));
  });
});
