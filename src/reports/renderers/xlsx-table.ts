import type ExcelJS from 'exceljs';
import { wallClockDate } from '../../common/display-time-zone';
import { neutralizeCell } from '../cell-safety';

/**
 * One data sheet of the XLSX report: a styled header row, frozen, with an auto-filter over the whole table, column
 * widths fitted to the content, and each column's cells written as their kind (dates as date cells in the display
 * time zone, percentages as fractions with a percent format, text neutralised against formulas).
 */
export type ColumnKind = 'text' | 'longText' | 'integer' | 'decimal' | 'alpha' | 'percent' | 'date';

export interface TableColumn {
  header: string;
  kind: ColumnKind;
}

export interface Table {
  name: string;
  /** what the sheet holds, for the «Содержание» sheet */
  description: string;
  columns: TableColumn[];
  rows: unknown[][];
  /** read when the report is made rather than taken from the results snapshot (told on «Содержание») */
  readAtRender?: boolean;
  /** A sheet too large to hold: its rows are read batch by batch while it is written (then `rows` is empty). */
  stream?: { count: number; batches(): AsyncIterable<unknown[][]> };
}

type Style = Partial<ExcelJS.Style>;

const HEADER: Style = {
  font: { bold: true },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDCE6F1' } },
  alignment: { vertical: 'top', wrapText: true },
  border: { bottom: { style: 'thin', color: { argb: 'FF7F9DB9' } } },
};

/**
 * One shared object per kind: exceljs caches a style's id by the object (a WeakMap), so 100,000 rows cost one lookup
 * per cell; a fresh object per cell would be rebuilt and hashed each time.
 */
const CELL_STYLES: Readonly<Record<ColumnKind, Style>> = {
  text: {},
  longText: { alignment: { vertical: 'top', wrapText: true } },
  integer: {},
  decimal: { numFmt: '0.00' },
  alpha: { numFmt: '0.000' },
  percent: { numFmt: '0.0%' },
  date: { numFmt: 'dd.mm.yyyy hh:mm' },
};

export const TITLE_STYLE: Style = { font: { bold: true, size: 13 } };
export const LABEL_STYLE: Style = { font: { bold: true } };
export const DATE_STYLE = CELL_STYLES.date;
export const PLAIN_STYLE = CELL_STYLES.text;
export const PERCENT_STYLE = CELL_STYLES.percent;

/** Widths in characters: at least what the header's longest word needs, at most MAX_WIDTH (long texts wrap). */
const MIN_WIDTH = 8;
const MAX_WIDTH: Readonly<Record<ColumnKind, number>> = {
  text: 45,
  longText: 70,
  integer: 14,
  decimal: 14,
  alpha: 14,
  percent: 12,
  date: 17,
};
/** Header texts wrap onto at most this many lines before the column grows wider for them. */
const HEADER_LINES = 3;

/** A value as its cell holds it: null leaves the cell out; a time in ms becomes the display zone's wall clock. */
export function cellValue(kind: ColumnKind, value: unknown): unknown {
  if (value === null || value === undefined || value === '') return undefined;
  if (kind === 'date') {
    const ms = typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Date.parse(String(value));
    return Number.isNaN(ms) ? undefined : wallClockDate(ms);
  }
  if (kind === 'percent' && typeof value === 'number') return value / 100;
  return neutralizeCell(value);
}

function shownLength(kind: ColumnKind, value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (kind === 'date') return 16;
  if (kind === 'percent') return 7;
  return String(value).length;
}

export function fitWidths(columns: readonly TableColumn[], rows: readonly unknown[][]): number[] {
  return columns.map((c, i) => {
    const words = c.header.split(/\s+/).reduce((m, w) => Math.max(m, w.length), 0);
    let need = Math.max(words, Math.ceil(c.header.length / HEADER_LINES));
    for (const r of rows) need = Math.max(need, shownLength(c.kind, r[i]));
    return Math.min(MAX_WIDTH[c.kind], Math.max(MIN_WIDTH, need + 2));
  });
}

/** A data sheet written row by row (the raw sheet streams 100,000s of rows through it). */
export class SheetTable {
  readonly worksheet: ExcelJS.Worksheet;
  private readonly styles: Style[];
  private rows = 0;

  /** `sample`: rows the widths are fitted to (all of a summary sheet, the first batch of the raw sheet). */
  constructor(
    wb: ExcelJS.stream.xlsx.WorkbookWriter,
    name: string,
    private readonly columns: readonly TableColumn[],
    sample: readonly unknown[][],
  ) {
    this.worksheet = wb.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
    this.worksheet.columns = fitWidths(columns, sample).map((width) => ({ width }));
    this.styles = columns.map((c) => CELL_STYLES[c.kind]);
    const header = this.worksheet.addRow(columns.map((c) => neutralizeCell(c.header)));
    header.eachCell((cell) => (cell.style = HEADER));
    header.commit();
  }

  add(values: readonly unknown[]): void {
    const row = this.worksheet.addRow(values.map((v, i) => cellValue(this.columns[i]?.kind ?? 'text', v)));
    row.eachCell((cell, col) => (cell.style = this.styles[col - 1] ?? PLAIN_STYLE));
    row.commit();
    this.rows++;
  }

  /** The auto-filter spans the header and every row written. */
  close(): void {
    this.worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: this.rows + 1, column: this.columns.length } };
    this.worksheet.commit();
  }
}

export function writeTable(wb: ExcelJS.stream.xlsx.WorkbookWriter, table: Table): void {
  const sheet = new SheetTable(wb, table.name, table.columns, table.rows);
  for (const r of table.rows) sheet.add(r);
  sheet.close();
}
