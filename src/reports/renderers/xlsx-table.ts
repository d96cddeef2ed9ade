import { CellFormat, Xf, XlsxWriter } from './xlsx-writer';

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

/** How each kind of column's cells are written (xlsx-writer.ts): one shared format object per kind. */
export const COLUMN_FORMATS: Readonly<Record<ColumnKind, CellFormat>> = {
  text: { xf: Xf.Plain },
  longText: { xf: Xf.Wrap },
  integer: { xf: Xf.Plain },
  decimal: { xf: Xf.Decimal },
  alpha: { xf: Xf.Alpha },
  percent: { xf: Xf.Percent, convert: 'percent' },
  date: { xf: Xf.Date, convert: 'date' },
};

const HEADER: CellFormat = { xf: Xf.Header };

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

/** Rows of a streamed sheet the column widths are fitted to (its first batch's). */
const WIDTH_SAMPLE = 500;

/**
 * A data sheet: the header row (frozen, with an auto-filter over the table), then its rows, batch by batch as they
 * are read; widths fitted to the first batch. `afterBatch` is told how many rows each batch wrote (progress).
 */
export function addTableSheet(
  wb: XlsxWriter,
  name: string,
  columns: readonly TableColumn[],
  batches: AsyncIterable<readonly unknown[][]> | Iterable<readonly unknown[][]>,
  afterBatch: (rows: number) => Promise<void> = async () => undefined,
): void {
  const formats = columns.map((c) => COLUMN_FORMATS[c.kind]);
  const headerFormats = columns.map(() => HEADER);
  wb.addSheet(name, true, async function* (xml) {
    // the widths come before the rows in the sheet's XML: the first batch is read before the sheet is begun
    const source = (async function* () {
      yield* batches;
    })();
    let next = await source.next();
    try {
      xml.begin(fitWidths(columns, next.done ? [] : next.value.slice(0, WIDTH_SAMPLE)));
      xml.row(
        columns.map((c) => c.header),
        headerFormats,
      );
      while (!next.done) {
        for (const row of next.value) xml.row(row, formats);
        yield;
        await afterBatch(next.value.length);
        next = await source.next();
      }
    } finally {
      // a failure mid-sheet ends the source, whose own finally settles its read-ahead
      if (!next.done) await source.return(undefined);
    }
  });
}

/** A summary sheet held in memory. */
export function addTable(wb: XlsxWriter, table: Table): void {
  addTableSheet(wb, table.name, table.columns, [table.rows]);
}
