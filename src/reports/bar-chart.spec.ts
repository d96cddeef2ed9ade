import { barChart } from './bar-chart';
import { neutralizeCell, neutralizeRow } from './cell-safety';

describe('barChart', () => {
  it('scales bars to the largest value and lays rows out top to bottom', () => {
    const chart = barChart(
      [
        { label: 'Да', value: 30, caption: '30' },
        { label: 'Нет', value: 15, caption: '15' },
        { label: 'Затрудняюсь', value: 0, caption: '0' },
      ],
      500,
      200,
    );
    expect(chart.height).toBe(66);
    expect(chart.barX).toBe(206);
    expect(chart.bars.map((b) => [b.y, b.width])).toEqual([
      [4, 190],
      [26, 95],
      [48, 0],
    ]);
  });

  it('keeps labels as given (escaping is the template’s job) but shortens long ones; empty input draws no bars', () => {
    const chart = barChart([{ label: '<script>'.repeat(10), value: 1, caption: '1' }]);
    expect(chart.bars[0].label).toHaveLength(48);
    expect(chart.bars[0].label.startsWith('<script>')).toBe(true);
    expect(barChart([]).bars).toEqual([]);
  });
});

describe('neutralizeCell', () => {
  it('prefixes an apostrophe to strings a spreadsheet would read as a formula', () => {
    expect(neutralizeRow(['=SUM(A1)', '+1', '-2', '@cmd', '\tx', '\rx', 'ok', 5, null])).toEqual([
      "'=SUM(A1)",
      "'+1",
      "'-2",
      "'@cmd",
      "'\tx",
      "'\rx",
      'ok',
      5,
      null,
    ]);
    expect(neutralizeCell('a=b')).toBe('a=b');
  });
});
