import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { TerritoryKind } from './entities/territory.entity';
import { isValidInn } from './inn';
import { TERRITORY_KIND_LABELS } from './reference-data';
import { OrganizationWrite } from './reference-admin.repository';

export const IMPORT_MAX_ROWS = 5000;
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;

/** The columns of the import and export files, in order: the export can be edited and imported back. */
export const ORGANIZATION_COLUMNS = [
  'Название',
  'Территория',
  'Вид территории',
  'Тип организации',
  'Базовая площадка',
  'РИП',
  'ИНН',
  'Направления',
] as const;

const FIELD_BY_HEADER: Record<string, keyof ImportCells> = {
  название: 'name',
  территория: 'territory',
  'вид территории': 'kind',
  'тип организации': 'type',
  тип: 'type',
  'базовая площадка': 'baseSite',
  рип: 'innovationSite',
  инн: 'inn',
  направления: 'directions',
};

interface ImportCells {
  name: string;
  territory: string;
  kind: string;
  type: string;
  baseSite: string;
  innovationSite: string;
  inn: string;
  directions: string;
}

export interface ImportContext {
  territories: { id: string; name: string; kind: TerritoryKind }[];
  types: { code: string; name: string }[];
  directions: { code: string; name: string }[];
}

export interface ImportProblem {
  /** the row number as the spreadsheet shows it (the header is row 1); 0 for the file as a whole */
  row: number;
  messages: string[];
}

export interface ImportRow extends OrganizationWrite {
  row: number;
  territoryLabel: string;
}

export class ImportFileError extends Error {}

/** Our export neutralizes formulas with a leading apostrophe; reading it back removes that. */
const unquote = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

/** The first sheet of an XLSX, or a CSV (comma or semicolon, with or without a BOM), as rows of trimmed text. */
export async function readTable(data: Buffer): Promise<string[][]> {
  if (data.length > IMPORT_MAX_BYTES) throw new ImportFileError('Файл больше 5 МБ: разделите его на части');
  if (data.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(data as unknown as ArrayBuffer);
    } catch {
      throw new ImportFileError('Файл не читается как таблица XLSX');
    }
    const ws = wb.worksheets[0];
    if (!ws) throw new ImportFileError('В файле нет ни одного листа');
    const rows: string[][] = [];
    ws.eachRow({ includeEmpty: true }, (row, n) => {
      if (n > IMPORT_MAX_ROWS + 2) return;
      const cells: string[] = [];
      for (let c = 1; c <= Math.min(row.cellCount, 20); c++) cells.push(unquote(row.getCell(c).text.trim()));
      rows[n - 1] = cells;
    });
    return Array.from(rows, (r) => r ?? []);
  }
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  if (text.includes('\uFFFD')) throw new ImportFileError('Файл CSV должен быть в кодировке UTF-8 (сохраните его как «CSV UTF-8»)');
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    const rows: string[][] = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false, to_line: IMPORT_MAX_ROWS + 2 });
    return rows.map((r) => r.slice(0, 20).map((c) => unquote(String(c).trim())));
  } catch {
    throw new ImportFileError('Файл не читается как таблица CSV');
  }
}

const YES = new Set(['да', 'д', 'yes', '1', 'true', '+', 'х', 'x']);
const NO = new Set(['', 'нет', 'н', 'no', '0', 'false', '-']);

function flag(value: string, label: string, problems: string[]): boolean {
  const v = value.toLowerCase();
  if (YES.has(v)) return true;
  if (!NO.has(v)) problems.push(`в столбце «${label}» должно быть «да» или «нет», а не «${value.slice(0, 40)}»`);
  return false;
}

const norm = (s: string) => s.toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();

interface Lookups {
  ctx: ImportContext;
  kindByLabel: Map<string, TerritoryKind>;
  typeByName: Map<string, string>;
  directionByName: Map<string, string>;
}

function findTerritory(name: string, kindText: string, l: Lookups, p: string[]): ImportContext['territories'][number] | undefined {
  if (!name) {
    p.push('не указана территория');
    return undefined;
  }
  const kind = kindText ? l.kindByLabel.get(norm(kindText)) : undefined;
  if (kindText && !kind) p.push(`неизвестный вид территории «${kindText.slice(0, 60)}»`);
  const candidates = l.ctx.territories.filter((t) => norm(t.name) === norm(name) && (!kind || t.kind === kind));
  if (!candidates.length) p.push(`неизвестная территория «${name.slice(0, 100)}»`);
  else if (candidates.length > 1) p.push(`территорий «${name.slice(0, 100)}» несколько: укажите вид территории`);
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** One data row: its values, and each problem in words pushed to `p`. */
function checkRow(get: (f: keyof ImportCells) => string, l: Lookups, p: string[]) {
  const name = get('name').replace(/\s+/g, ' ');
  if (!name) p.push('не указано название');
  else if (name.length > 300) p.push('название длиннее 300 символов');
  const territory = findTerritory(get('territory'), get('kind'), l, p);
  const typeText = get('type');
  const typeCode = l.typeByName.get(norm(typeText));
  if (!typeText) p.push('не указан тип организации');
  else if (!typeCode) p.push(`неизвестный тип организации «${typeText.slice(0, 100)}»`);
  const baseSite = flag(get('baseSite'), 'Базовая площадка', p);
  const innovationSite = flag(get('innovationSite'), 'РИП', p);
  const inn = get('inn').replace(/\s/g, '');
  if (inn && !isValidInn(inn)) p.push(`ИНН «${inn.slice(0, 20)}» неверен: нужно 10 или 12 цифр с верной контрольной цифрой`);
  const directions: string[] = [];
  for (const part of get('directions').split(/[;\n]/)) {
    if (!part.trim()) continue;
    const code = l.directionByName.get(norm(part));
    if (!code) p.push(`неизвестное направление «${part.trim().slice(0, 60)}»`);
    else if (!directions.includes(code)) directions.push(code);
  }
  return { name, territory, typeCode, baseSite, innovationSite, inn: inn || null, directions };
}

function columnIndex(headerRow: string[]): Partial<Record<keyof ImportCells, number>> {
  const index: Partial<Record<keyof ImportCells, number>> = {};
  headerRow.forEach((h, i) => {
    const field = FIELD_BY_HEADER[norm(h)];
    if (field && index[field] === undefined) index[field] = i;
  });
  return index;
}

/**
 * Checks every row and names each problem in words, with the row number the spreadsheet shows. Nothing is saved here:
 * the caller saves only a file without problems, all rows in one transaction.
 */
export function validateImport(table: string[][], ctx: ImportContext): { rows: ImportRow[]; problems: ImportProblem[] } {
  const index = columnIndex(table[0] ?? []);
  const missing = (['name', 'territory', 'type'] as const).filter((f) => index[f] === undefined);
  if (missing.length) {
    const names = { name: 'Название', territory: 'Территория', type: 'Тип организации' };
    return {
      rows: [],
      problems: [{ row: 1, messages: [`в первой строке нет столбцов: ${missing.map((f) => `«${names[f]}»`).join(', ')}`] }],
    };
  }
  const lookups: Lookups = {
    ctx,
    kindByLabel: new Map(Object.entries(TERRITORY_KIND_LABELS).map(([k, label]) => [norm(label), k as TerritoryKind])),
    typeByName: new Map(ctx.types.flatMap((t) => [[norm(t.name), t.code] as const, [norm(t.code), t.code] as const])),
    directionByName: new Map(ctx.directions.flatMap((d) => [[norm(d.name), d.code] as const, [norm(d.code), d.code] as const])),
  };
  const rows: ImportRow[] = [];
  const problems: ImportProblem[] = [];
  const seen = new Map<string, number>();
  for (let i = 1; i < Math.min(table.length, IMPORT_MAX_ROWS + 1); i++) {
    const cells = table[i];
    if (cells.every((c) => !c.trim())) continue;
    const rowNo = i + 1;
    const p: string[] = [];
    const r = checkRow((f) => (index[f] === undefined ? '' : (cells[index[f]!] ?? '').trim()), lookups, p);
    if (r.name && r.territory) {
      const key = `${norm(r.name)}|${r.territory.id}`;
      const earlier = seen.get(key);
      if (earlier) p.push(`повторяет строку ${earlier}: та же организация той же территории`);
      else seen.set(key, rowNo);
    }
    if (p.length) problems.push({ row: rowNo, messages: p });
    else {
      const { territory, typeCode, ...rest } = r;
      rows.push({ row: rowNo, ...rest, territoryId: territory!.id, territoryLabel: territory!.name, typeCode: typeCode! });
    }
  }
  if (!rows.length && !problems.length) problems.push({ row: 0, messages: ['в файле нет ни одной организации'] });
  if (table.length > IMPORT_MAX_ROWS + 1)
    problems.push({ row: 0, messages: [`в файле больше ${IMPORT_MAX_ROWS} строк: разделите его на части`] });
  return { rows, problems };
}
