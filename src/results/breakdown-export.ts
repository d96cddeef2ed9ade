import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { neutralizeCell, neutralizeRow } from '../reports/cell-safety';
import type { Breakdown } from './breakdown.service';

/** One header row and one row per group (then the total), as counts and percents side by side. */
function table(b: Breakdown): { header: string[]; rows: (string | number | null)[][] } {
  const header = [
    b.byLabel,
    'Ответили',
    ...b.columns.flatMap((c) => [`${c.label}: ответов`, `${c.label}: %`]),
    ...(b.kind === 'scale' ? ['Среднее'] : []),
  ];
  const line = (name: string, g: Breakdown['total']) => [
    name,
    g.answered,
    ...g.cells.flatMap((c) => [c.count, c.percent]),
    ...(b.kind === 'scale' ? [g.mean] : []),
  ];
  return { header, rows: [...b.groups.map((g) => line(g.name, g)), line('Все', b.total)] };
}

/** A decimal comma, as Russian-locale Excel reads a number in a CSV. */
const ruNumber = (v: unknown) => (typeof v === 'number' ? String(v).replace('.', ',') : v === null ? '' : v);

/**
 * CSV for Russian-locale Excel: UTF-8 with a BOM, `;` between cells, decimal commas; the question and the
 * dimension on the first line; every text cell neutralised (an option may start with `=`).
 */
export function breakdownCsv(b: Breakdown): Buffer {
  const { header, rows } = table(b);
  const body = stringify(
    [neutralizeRow([`Вопрос: ${b.questionText}`]), neutralizeRow(header), ...rows.map((r) => neutralizeRow(r.map(ruNumber)))],
    // a bare line break in a text is quoted too, or Excel starts a new row there
    { delimiter: ';', record_delimiter: '\r\n', quote_record_delimiter: true },
  );
  return Buffer.from(`\uFEFF${body}`, 'utf8');
}

/** XLSX: numbers stay numbers (percents with one decimal), text cells neutralised. */
export async function breakdownXlsx(b: Breakdown): Promise<Buffer> {
  const { header, rows } = table(b);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Разбивка');
  sheet.addRow([neutralizeCell(`Вопрос: ${b.questionText}`)]);
  sheet.addRow(neutralizeRow(header));
  sheet.getRow(2).font = { bold: true };
  for (const r of rows) sheet.addRow(neutralizeRow(r));
  header.forEach((h, i) => {
    const column = sheet.getColumn(i + 1);
    column.width = i === 0 ? 40 : Math.min(30, Math.max(10, h.length + 2));
    if (h.endsWith(': %') || h === 'Среднее') column.numFmt = '0.0';
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}
