import { barChart, CHAR_PX, wrapLabel } from './bar-chart';
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
    expect(chart.barX).toBe(208);
    expect(chart.bars.map((b) => [b.y, b.width, b.lines])).toEqual([
      [4, 190, [{ text: 'Да', y: 14 }]],
      [26, 95, [{ text: 'Нет', y: 36 }]],
      [48, 0, [{ text: 'Затрудняюсь', y: 58 }]],
    ]);
  });

  it('keeps labels whole: a long one wraps between words onto more lines and its row grows', () => {
    const label = 'Педагогический работник (учитель, воспитатель, педагог дополнительного образования)';
    const chart = barChart([
      { label, value: 1, caption: '1' },
      { label: 'Нет', value: 2, caption: '2' },
    ]);
    const [first, second] = chart.bars;
    expect(first.lines.map((l) => l.text)).toEqual([
      'Педагогический работник (учитель,',
      'воспитатель, педагог дополнительного',
      'образования)',
    ]);
    expect(first.lines.map((l) => l.y)).toEqual([13.5, 26.5, 39.5]);
    expect(first.lines.map((l) => l.text).join(' ')).toBe(label);
    expect(first.lines.every((l) => l.text.length * CHAR_PX <= chart.labelWidth)).toBe(true);
    expect(second.y).toBe(47 + 4);
    expect(chart.height).toBe(47 + 22);
    expect(wrapLabel('Сверхдлинноесловобезпробелов', 10)).toEqual(['Сверхдлинн', 'оесловобез', 'пробелов']);
    expect(wrapLabel('<script>'.repeat(3), 100)).toEqual(['<script><script><script>']);
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
