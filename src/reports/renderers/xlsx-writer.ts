import archiver from 'archiver';
import { createWriteStream, WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { zoneOffsetMs } from '../../common/display-time-zone';
import { neutralizeCell } from '../cell-safety';
import { Utf8Chunks } from './utf8-chunks';

/**
 * A streaming XLSX (SpreadsheetML) writer for the report: sheets are written as XML text row by row and handed to
 * the zip (archiver, deflate level 1) as fast as it takes them, so memory stays flat however many rows there are.
 *
 * Why not exceljs, which writes the other spreadsheets: at a federal round (1.9 M rows in two sheets) its per-cell
 * objects, style lookups and XML serializer were ~45 s of the report's CPU, most of it garbage collection; a row
 * here is one string built from its values. The file holds what exceljs wrote for these sheets (cells `t="str"`,
 * the same styles, frozen header, auto-filter, widths): report-render.spec.ts reads it back with exceljs and
 * report-libreoffice.spec.ts with LibreOffice.
 */

/** Cell formats (the `cellXfs` of styles.xml, by index). */
export enum Xf {
  Plain = 0,
  Header = 1,
  Title = 2,
  Label = 3,
  Wrap = 4,
  Decimal = 5,
  Alpha = 6,
  Percent = 7,
  Date = 8,
}

/**
 * How a column's values become cells: `date` cells take instants (ms or Date) and show the display zone's wall
 * clock; `percent` cells take 0..100 and hold the fraction; other cells take their value as it is (a Date as the
 * wall clock it already is).
 */
export interface CellFormat {
  xf: Xf;
  convert?: 'date' | 'percent';
}

const NS =
  'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const PLAIN: CellFormat = { xf: Xf.Plain };
/** Excel's serial day of 1970-01-01 (the 1900 date system). */
const EPOCH_SERIAL = 25569;
const DAY_MS = 86_400_000;

/** What XML text cannot hold as it is: markup characters, and control characters XML 1.0 forbids (dropped). */
const NEEDS_ESCAPE = /[<>&\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 38) out += '&amp;';
    else if (c === 60) out += '&lt;';
    else if (c === 62) out += '&gt;';
    else if (c === 127 || (c < 32 && c !== 9 && c !== 10 && c !== 13)) continue;
    else out += text[i];
  }
  return out;
}

/** A (0-based) column's letters: A … Z, AA … */
export function columnLetters(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** The serial date-time of a wall clock held as the UTC fields of `ms` (what exceljs writes for a Date). */
const serial = (ms: number): number => EPOCH_SERIAL + ms / DAY_MS;

/** One sheet's XML, built row by row, each row encoded into chunks (utf8-chunks.ts) as soon as it is built. */
export class SheetXml {
  private rows = 0;
  private letters: string[] = [];
  private columns = 0;
  private ended = false;
  private readonly out = new Utf8Chunks();

  /**
   * `table`: its first row is a frozen header and an auto-filter spans the header and every row. `selected`: the
   * sheet the workbook opens on.
   */
  constructor(
    private readonly table: boolean,
    private readonly selected: boolean,
  ) {}

  /** Everything before the first row: the frozen header's pane and the column widths (in characters). */
  begin(widths: readonly number[]): void {
    this.columns = widths.length;
    const tab = this.selected ? ' tabSelected="1"' : '';
    const view = this.table
      ? `<sheetView${tab} workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
        `<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>`
      : `<sheetView${tab} workbookViewId="0"/>`;
    const cols = widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('');
    this.put(
      `${XML_HEAD}<worksheet ${NS}><sheetViews>${view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>${cols ? `<cols>${cols}</cols>` : ''}<sheetData>`,
    );
  }

  /**
   * Appends one row: null, undefined and '' leave the cell out; numbers are number cells; strings are neutralised
   * against formulas (cell-safety.ts) and escaped. Runs once per row of a report (millions of times): one string.
   */
  row(values: readonly unknown[], formats: readonly CellFormat[]): void {
    const r = ++this.rows;
    let xml = `<row r="${r}">`;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined || v === '') continue;
      const f = formats[i] ?? PLAIN;
      const ref = (this.letters[i] ??= columnLetters(i)) + r;
      const s = f.xf ? ` s="${f.xf}"` : '';
      if (typeof v === 'number' || v instanceof Date) {
        const n = numberOf(v, f);
        if (Number.isFinite(n)) xml += `<c r="${ref}"${s}><v>${n}</v></c>`;
      } else if (f.convert === 'date' && typeof v === 'string') {
        const n = numberOf(Date.parse(v), f);
        if (Number.isFinite(n)) xml += `<c r="${ref}"${s}><v>${n}</v></c>`;
      } else {
        xml += `<c r="${ref}"${s} t="str"><v>${escapeXml(neutralizeCell(String(v)) as string)}</v></c>`;
      }
    }
    this.put(xml + '</row>');
  }

  /** Ends the sheet: the auto-filter over the table after the rows. */
  end(): void {
    const range = this.filterRange();
    const filter = range ? `<autoFilter ref="${range}"/>` : '';
    this.put(`</sheetData>${filter}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`);
    this.ended = true;
  }

  /** The chunks filled since the last take (the rest of the sheet once it has ended). */
  take(): Buffer[] {
    return this.out.take(this.ended);
  }

  /** A1:Xn over the header and every row ($A$1:$X$n when `absolute`), or null for a sheet without a table. */
  filterRange(absolute = false): string | null {
    if (!this.table || this.rows === 0) return null;
    const $ = absolute ? '$' : '';
    return `${$}A${$}1:${$}${columnLetters(Math.max(1, this.columns) - 1)}${$}${this.rows}`;
  }

  private put(text: string): void {
    this.out.put(text);
  }
}

function numberOf(v: number | Date, f: CellFormat): number {
  const n = typeof v === 'number' ? v : v.getTime();
  // an unreadable time (NaN) leaves the cell out, and must not reach the zone's offset (Intl refuses it)
  if (!Number.isFinite(n)) return NaN;
  if (f.convert === 'date') return serial(n + zoneOffsetMs(n));
  if (v instanceof Date) return serial(n);
  return f.convert === 'percent' ? n / 100 : n;
}

/** A sheet's name quoted for a reference (`'Лист'!$A$1`), its apostrophes doubled. */
const quotedSheet = (name: string): string => `'${name.replaceAll("'", "''")}'`;

const escapeAttr = (text: string): string => escapeXml(text).replaceAll('"', '&quot;');

/**
 * The workbook file: sheets are added in order, each as an async source of its XML (SheetXml's text), and the zip
 * pulls that source only as fast as deflate takes it. `close()` writes the workbook parts and waits for the file.
 */
export class XlsxWriter {
  private readonly archive = archiver('zip', { zlib: { level: 1 } });
  private readonly out: WriteStream;
  private readonly sheets: { name: string; filter: string | null }[] = [];
  /** settles with the first failure of a sheet's source, the zip or the file */
  private readonly failed: Promise<never>;
  private fail!: (err: unknown) => void;

  constructor(path: string) {
    this.failed = new Promise<never>((_, reject) => (this.fail = reject));
    this.failed.catch(() => undefined);
    this.out = createWriteStream(path);
    this.archive.on('error', (err) => this.fail(err));
    this.out.on('error', (err) => this.fail(err));
    this.archive.pipe(this.out);
  }

  /**
   * A sheet whose `body` writes it into its SheetXml: begin(), then the rows. The body yields now and then (a big
   * sheet after each batch), and the chunks filled so far go to the zip. The zip reads the sheets one after the
   * other, each as fast as deflate takes it, so a body runs only when the zip reaches its sheet.
   */
  addSheet(name: string, table: boolean, body: (xml: SheetXml) => AsyncIterable<void> | Iterable<void>): void {
    const index = this.sheets.length;
    const entry: { name: string; filter: string | null } = { name, filter: null };
    this.sheets.push(entry);
    const sheet = new SheetXml(table, index === 0);
    const fail = (err: unknown) => this.fail(err);
    const source = async function* (): AsyncGenerator<Buffer> {
      try {
        for await (const _ of body(sheet)) yield* sheet.take();
        sheet.end();
        entry.filter = sheet.filterRange(true);
        yield* sheet.take();
      } catch (err) {
        fail(err);
        throw err;
      }
    };
    this.archive.append(Readable.from(source(), { objectMode: false }), { name: `xl/worksheets/sheet${index + 1}.xml` });
  }

  /** Writes the workbook parts after the sheets and waits for the file; a failure anywhere rejects with its cause. */
  async close(): Promise<void> {
    this.archive.append(this.contentTypes(), { name: '[Content_Types].xml' });
    this.archive.append(RELS, { name: '_rels/.rels' });
    // the workbook names each sheet's filter range, known once the zip has read that sheet to its end: its text is
    // built when the zip reaches it (entries are read one after the other)
    const workbook = () => this.workbook();
    this.archive.append(
      Readable.from(
        (function* () {
          yield workbook();
        })(),
        { objectMode: false },
      ),
      { name: 'xl/workbook.xml' },
    );
    this.archive.append(this.workbookRels(), { name: 'xl/_rels/workbook.xml.rels' });
    this.archive.append(STYLES, { name: 'xl/styles.xml' });
    try {
      await Promise.race([this.archive.finalize().then(() => finished(this.out)), this.failed]);
    } catch (err) {
      this.archive.abort();
      this.out.destroy();
      throw err;
    }
  }

  private contentTypes(): string {
    const sheets = this.sheets
      .map(
        (_, i) =>
          `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
      )
      .join('');
    return (
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
      `<Default Extension="xml" ContentType="application/xml"/>` +
      `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
      `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
      `${sheets}</Types>`
    );
  }

  private workbook(): string {
    const sheets = this.sheets.map((s, i) => `<sheet name="${escapeAttr(s.name)}" sheetId="${i + 1}" r:id="rId${i + 2}"/>`).join('');
    const filters = this.sheets
      .map((s, i) =>
        s.filter
          ? `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">${escapeXml(quotedSheet(s.name))}!${s.filter}</definedName>`
          : '',
      )
      .join('');
    return (
      `${XML_HEAD}<workbook ${NS}><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews>` +
      `<sheets>${sheets}</sheets>${filters ? `<definedNames>${filters}</definedNames>` : ''}<calcPr calcId="171027"/></workbook>`
    );
  }

  private workbookRels(): string {
    const sheets = this.sheets
      .map(
        (_, i) =>
          `<Relationship Id="rId${i + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
      )
      .join('');
    return (
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
      `${sheets}</Relationships>`
    );
  }
}

const RELS =
  `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
  `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
  `</Relationships>`;

/** The formats of enum Xf, in its order: fonts (regular, bold, title), the header's fill and border, number formats. */
const STYLES =
  `${XML_HEAD}<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
  `<numFmts count="4"><numFmt numFmtId="164" formatCode="0.00"/><numFmt numFmtId="165" formatCode="0.000"/>` +
  `<numFmt numFmtId="166" formatCode="0.0%"/><numFmt numFmtId="167" formatCode="dd.mm.yyyy hh:mm"/></numFmts>` +
  `<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
  `<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
  `<font><b/><sz val="13"/><name val="Calibri"/><family val="2"/></font></fonts>` +
  `<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
  `<fill><patternFill patternType="solid"><fgColor rgb="FFDCE6F1"/></patternFill></fill></fills>` +
  `<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>` +
  `<border><left/><right/><top/><bottom style="thin"><color rgb="FF7F9DB9"/></bottom><diagonal/></border></borders>` +
  `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
  `<cellXfs count="9">` +
  `<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
  `<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>` +
  `<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
  `<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
  `<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>` +
  `<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
  `</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;
