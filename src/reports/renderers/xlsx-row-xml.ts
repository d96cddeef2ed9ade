import ExcelJS from 'exceljs';

/*
 * exceljs's own XML text encoder and date serial (exceljs 4.4 is pinned; xlsx-row-xml.spec.ts compares this file's
 * rows with the ones exceljs writes, so an upgrade that changes either fails there).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { xmlEncode, dateToExcel } = require('exceljs/lib/utils/utils') as {
  xmlEncode(text: string): string;
  dateToExcel(d: Date, date1904?: boolean): number;
};

type Style = Partial<ExcelJS.Style>;

/** The parts of exceljs's streaming worksheet and workbook that writing rows as text needs. */
interface WorksheetInternals {
  startedData?: boolean;
  _writeColumns(): void;
  _writeOpenSheetData(): void;
  stream: { write(chunk: string): void };
}
interface StylesInternals {
  addStyleModel(style: Style, cellType: number): number;
}

/** Column letters A, B, …, Z, AA, … for 1-based numbers. */
function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/**
 * Writes rows of a streaming worksheet as the XML exceljs would write for them — the same elements, attributes,
 * style ids and encoding — without building exceljs's Row and Cell objects and its XML stream for each cell, which
 * cost ~3 µs a cell (a million raw rows of 22 cells: over a minute). Rows are collected as text and handed to the
 * sheet's stream a few hundred at a time. Values are final cell values (`cellValue` applied): a string, a number, a
 * Date, or undefined for no cell.
 */
export class RowXmlWriter {
  private readonly letters: string[];
  private readonly ws: WorksheetInternals;
  private readonly styleSheet: StylesInternals;
  private pending: string[] = [];

  constructor(
    wb: ExcelJS.stream.xlsx.WorkbookWriter,
    worksheet: ExcelJS.Worksheet,
    private readonly styles: readonly Style[],
  ) {
    this.ws = worksheet as unknown as WorksheetInternals;
    this.styleSheet = (wb as unknown as { styles: StylesInternals }).styles;
    this.letters = styles.map((_, i) => columnLetter(i + 1));
  }

  /** `number`: the 1-based row number (the header is row 1). */
  add(number: number, values: readonly unknown[]): void {
    let cells = '';
    let min = 0;
    let max = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === undefined || v === null) continue;
      if (!min) min = i + 1;
      max = i + 1;
      cells += this.cell(i, number, v);
    }
    if (!min) return; // exceljs writes no row without values
    this.pending.push(`<row r="${number}" spans="${min}:${max}" x14ac:dyDescent="0.25">${cells}</row>`);
  }

  /** Hands the collected rows to the sheet's stream (which feeds the zip entry). */
  flush(): void {
    if (!this.pending.length) return;
    if (!this.ws.startedData) {
      this.ws._writeColumns();
      this.ws._writeOpenSheetData();
      this.ws.startedData = true;
    }
    this.ws.stream.write(this.pending.join(''));
    this.pending = [];
  }

  private cell(i: number, row: number, v: unknown): string {
    const type =
      typeof v === 'number' ? ExcelJS.ValueType.Number : v instanceof Date ? ExcelJS.ValueType.Date : ExcelJS.ValueType.String;
    const styleId = this.styleSheet.addStyleModel(this.styles[i] ?? {}, type);
    const open = `<c r="${this.letters[i] ?? columnLetter(i + 1)}${row}"${styleId ? ` s="${styleId}"` : ''}`;
    if (type === ExcelJS.ValueType.Number) return `${open}><v>${xmlEncode(String(v))}</v></c>`;
    if (type === ExcelJS.ValueType.Date) return `${open}><v>${dateToExcel(v as Date)}</v></c>`;
    return `${open} t="str"><v>${xmlEncode(String(v))}</v></c>`;
  }
}
