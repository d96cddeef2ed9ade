import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { neutralizeRow } from '../reports/cell-safety';

export type Cell = string | number | boolean | null;

/** CSV, UTF-8 with a BOM (so Excel opens Cyrillic); every text cell neutralized against formulas. */
export function tableCsv(headers: string[], rows: Cell[][]): Buffer {
  const text = stringify(
    [headers, ...rows].map((r) => neutralizeRow(r)),
    // a text with a bare line break is quoted too (csv-stringify's default with a record delimiter set does not, and
    // Excel would start a new row there)
    { record_delimiter: '\r\n', quote_record_delimiter: true },
  );
  return Buffer.concat([Buffer.from('\uFEFF'), Buffer.from(text, 'utf8')]);
}

/** One-sheet XLSX with a bold, frozen header row; every text cell neutralized against formulas. */
export async function tableXlsx(sheet: string, headers: string[], rows: Cell[][], widths: number[] = []): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Платформа обсуждений';
  const ws = wb.addWorksheet(sheet.slice(0, 31));
  ws.addRow(neutralizeRow(headers));
  ws.getRow(1).font = { bold: true };
  for (const r of rows) ws.addRow(neutralizeRow(r));
  headers.forEach((_h, i) => (ws.getColumn(i + 1).width = widths[i] ?? 24));
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
