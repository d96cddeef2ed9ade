import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { SheetTable, TableColumn } from './xlsx-table';

/**
 * The raw sheet's rows are written as text (RowXmlWriter) instead of through exceljs's Row objects: the sheet XML
 * must be byte for byte what exceljs writes for the same rows, including the nasty ones.
 */
describe('RowXmlWriter writes the rows exceljs would', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xlsx-row-xml-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const columns: TableColumn[] = [
    { header: 'Квитанция', kind: 'text' },
    { header: 'Дата и время', kind: 'date' },
    { header: 'Территория', kind: 'text' },
    { header: 'Оценка', kind: 'integer' },
    { header: 'Доля', kind: 'percent' },
    { header: 'Среднее', kind: 'decimal' },
    { header: 'Комментарий', kind: 'longText' },
  ];
  const rows: unknown[][] = [
    ['R-1', Date.UTC(2026, 2, 5, 7, 30), 'г. Уфа', 4, 12.5, 3.25, 'Обычный текст'],
    ['R-2', Date.UTC(2026, 11, 31, 23, 59, 59, 999), 'Кармаскалинский район', 0, 0, null, '=HYPERLINK("http://x","y")'],
    ['R-3', null, null, null, null, null, null],
    [null, null, 'Только середина', null, null, null, null],
    ['R-4 <&>"\'', Date.UTC(2025, 0, 1), 'Табуляция\tи\nперевод строки\r', -7, 100, 1e-7, 'Управляющие \u0001\u0008\u000b\u001f\u007f символы'],
    ['+79990000000', Date.UTC(2026, 5, 1), '@SUM(A1)', 123456789, 33.3, 2.5, '-2+3'],
    ['Эмодзи 👩‍🏫 и ё', Date.UTC(2026, 5, 1, 12), '', 5, 50, 4, 'x'.repeat(300)],
  ];

  async function sheetXml(fast: boolean): Promise<string> {
    const file = join(dir, `${fast ? 'fast' : 'exceljs'}.xlsx`);
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false });
    // the styles are shared with the workbook's other sheets in the report: a sheet before this one takes ids first
    const sheet = new SheetTable(wb, 'Ответы', columns, rows);
    for (const r of rows) {
      if (fast) sheet.addFast(r);
      else sheet.add(r);
    }
    sheet.close();
    await wb.commit();
    return execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml', 'xl/styles.xml']).toString();
  }

  it('gives the same sheet XML and styles', async () => {
    const [viaExceljs, viaText] = await Promise.all([sheetXml(false), sheetXml(true)]);
    expect(viaExceljs).toContain('t="str"><v>R-4 &lt;&amp;&gt;&quot;&apos;</v>');
    expect(viaExceljs).toContain('<row r="8"');
    expect(viaText).toBe(viaExceljs);
  });
});
