import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnLetters, escapeXml, Xf, XlsxWriter } from './xlsx-writer';

describe('XlsxWriter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlsx-writer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names columns as spreadsheets do', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnLetters)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('escapes markup and drops the control characters XML cannot hold, keeping tabs and line breaks', () => {
    expect(escapeXml('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d');
    expect(escapeXml('x\u0000y\u0007z\u000bw\u001f\u007fv')).toBe('xyzwv');
    expect(escapeXml('строка\tс\r\nпереносом "и" кавычками')).toBe('строка\tс\r\nпереносом "и" кавычками');
  });

  it('writes what exceljs reads back: texts, numbers, dates, formats, frozen header, filter, widths', async () => {
    const path = join(dir, 'a.xlsx');
    const wb = new XlsxWriter(path);
    wb.addSheet('Лист «первый»', true, function* (xml) {
      xml.begin([12, 30, 10]);
      xml.row(['Квитанция', 'Текст', 'Доля'], [{ xf: Xf.Header }, { xf: Xf.Header }, { xf: Xf.Header }]);
      const formats = [{ xf: Xf.Plain }, { xf: Xf.Wrap }, { xf: Xf.Percent, convert: 'percent' as const }];
      xml.row(['R-1', '=1+1 <b>&\u0001', 12.5], formats);
      xml.row([null, '', 7], formats);
      xml.row(['R-3', ' пробелы \nи строки ', undefined], formats);
    });
    wb.addSheet("Д'Артаньян", false, function* (xml) {
      xml.begin([20]);
      // 2026-01-02 03:04 UTC is 08:04 in Asia/Yekaterinburg
      xml.row([Date.UTC(2026, 0, 2, 3, 4)], [{ xf: Xf.Date, convert: 'date' }]);
      // times that cannot be read leave their cells out
      xml.row(
        ['не дата', new Date(NaN), NaN],
        [
          { xf: Xf.Date, convert: 'date' },
          { xf: Xf.Date, convert: 'date' },
          { xf: Xf.Date, convert: 'date' },
        ],
      );
    });
    await wb.close();

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Лист «первый»', "Д'Артаньян"]);
    const [first, second] = book.worksheets;
    expect(first.getRow(2).values).toEqual([undefined, 'R-1', "'=1+1 <b>&", 0.125]);
    expect(first.getRow(3).values).toEqual([undefined, undefined, undefined, 7 / 100]);
    expect(first.getCell('B4').value).toBe(' пробелы \nи строки ');
    expect(first.getCell('A1').font?.bold).toBe(true);
    expect(first.getCell('C2').numFmt).toBe('0.0%');
    expect(first.getCell('B2').alignment).toEqual({ vertical: 'top', wrapText: true });
    expect(first.views[0]).toEqual(expect.objectContaining({ state: 'frozen', ySplit: 1 }));
    expect(first.autoFilter).toBe('A1:C4');
    expect([1, 2, 3].map((i) => first.getColumn(i).width)).toEqual([12, 30, 10]);
    expect(second.autoFilter).toBeUndefined();
    const date = second.getCell('A1');
    expect(date.numFmt).toBe('dd.mm.yyyy hh:mm');
    expect((date.value as Date).toISOString()).toBe('2026-01-02T08:04:00.000Z');
    expect(second.getRow(2).cellCount).toBe(0);
  });

  it("fails with the sheet's own error, not a hang, when a sheet's rows cannot be read", async () => {
    const wb = new XlsxWriter(join(dir, 'b.xlsx'));
    wb.addSheet('Ответы', true, async function* (xml) {
      xml.begin([10]);
      xml.row(['a'], []);
      yield;
      throw new Error('the database went away');
    });
    await expect(wb.close()).rejects.toThrow('the database went away');
  });
});
