import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { DataSource } from 'typeorm';
import { CoreModule } from '../../src/core.module';
import { ReportFormat, ReportKind } from '../../src/reports/report-status';
import { ReportsService } from '../../src/reports/reports.service';
import { StorageService } from '../../src/storage/storage.service';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';
import { LibreOffice } from '../setup/libreoffice';
import {
  cellRows,
  decideProposals,
  expectedProposals,
  expectedRaw,
  figures,
  localDateTime,
  safe,
  TERRITORY_KINDS,
  wallClock,
} from './report-expectations';

/** LibreOffice's CSV import as a Russian-locale user gets it: `;`, `"`, UTF-8, from line 1, Russian, special numbers. */
const RUSSIAN_CSV_IMPORT = 'CSV:59,34,76,1,,1049,false,true';
/** Every sheet to its own CSV (`-1`), cells as shown (the 9th token), `;`-separated, UTF-8. */
const EVERY_SHEET_AS_SHOWN = 'csv:Text - txt - csv (StarCalc):59,34,76,1,,1049,false,true,true,false,false,-1';

/**
 * An expected raw row as spreadsheet cells: the time a date cell (local wall clock; `toMinute` for the CSV, whose
 * times are ЧЧ:ММ), empty cells null, none at the end.
 */
function asCells(row: (string | number)[], toMinute = false): unknown[] {
  const time = (ms: number) => wallClock(toMinute ? Math.floor(ms / 60_000) * 60_000 : ms);
  const cells: unknown[] = row.map((c, i) => (i === 1 ? time(c as number) : c === '' ? null : c));
  while (cells.length && cells[cells.length - 1] === null) cells.pop();
  return cells;
}

describe('reports opened by real office software: LibreOffice Calc reads the XLSX and the CSV back', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let reports: ReportsService;
  let fx: ResultsFixture;
  const office = new LibreOffice();

  beforeAll(async () => {
    ctx = await NestFactory.createApplicationContext(CoreModule, { logger: false });
    ctx.enableShutdownHooks();
    ds = ctx.get<DataSource>(getDataSourceToken());
    reports = ctx.get(ReportsService);
    fx = await buildResultsCampaign(ds, { responses: 40, seed: 13, status: 'completed' });
  });
  afterAll(async () => {
    office.close();
    await ctx.close();
  });

  /** The report's file and the name it is downloaded under. */
  async function render(kind: ReportKind, format: ReportFormat): Promise<{ path: string; name: string }> {
    const { id } = await reports.requestReport(fx.campaignId, kind, format, null);
    expect(await reports.renderReport(id, true)).toBe('ready');
    const [row] = await ds.query(`SELECT storage_key, file_name FROM reports WHERE id = $1`, [id]);
    return { path: `${ctx.get(StorageService).root}/${row.storage_key}`, name: row.file_name };
  }

  async function workbook(path: string): Promise<ExcelJS.Workbook> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    return wb;
  }

  it('XLSX saved again by Calc: times are dates, figures numbers, percentages percent, Cyrillic intact, equal to the data', async () => {
    const { path, name } = await render(ReportKind.Full, ReportFormat.Xlsx);
    const [resaved] = await office.convert(path, name, 'xlsx');
    const ours = await workbook(path);
    const calc = await workbook(resaved);
    expect(calc.worksheets.map((w) => w.name)).toEqual(ours.worksheets.map((w) => w.name));

    const f = figures(fx);
    const raw = calc.getWorksheet('Ответы')!;
    expect(cellRows(raw).slice(1)).toEqual(expectedRaw(fx).rows.map((r) => asCells(r)));
    expect(raw.getCell('B2').type).toBe(ExcelJS.ValueType.Date);

    const territories = cellRows(calc.getWorksheet('Территории')!).slice(1);
    expect(territories.map((r) => r.slice(0, 3))).toEqual(
      f.active.map((t) => [t.name, TERRITORY_KINDS[t.kind], f.counted.filter((r) => r.territoryId === t.id).length]),
    );
    const share = calc.getWorksheet('Территории')!.getCell('D2');
    expect(share.type).toBe(ExcelJS.ValueType.Number);
    expect(share.numFmt).toContain('%');
    const first = f.counted.filter((r) => r.territoryId === f.active[0].id).length;
    expect(Math.round((share.value as number) * 1000) / 10).toBe(Math.round((first * 1000) / f.counted.length) / 10);
  });

  it('XLSX shown by Calc: every time in local ДД.ММ.ГГГГ ЧЧ:ММ, every sheet readable', async () => {
    const { path, name } = await render(ReportKind.Full, ReportFormat.Xlsx);
    const files = await office.convert(path, name, EVERY_SHEET_AS_SHOWN);
    const sheet = (name: string) => {
      const file = files.find((x) => basename(x).endsWith(`-${name}.csv`))!;
      return parse(readFileSync(file, 'utf8'), { delimiter: ';', relax_column_count: true }) as string[][];
    };
    expect(files).toHaveLength(12);
    const expected = expectedRaw(fx);
    expect(
      sheet('Ответы')
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(expected.rows.map((r) => localDateTime(r[1] as number)));
    expect(sheet('Ответы')[0]).toEqual(expected.header);
    expect(sheet('Содержание').find((r) => r[0] === 'Результаты подсчитаны')![1]).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
    expect(sheet('Сводка').find((r) => r[0] === 'Охват территорий')![2]).toMatch(/^\d+\.\d%$/);
  });

  it('«Сводка предложений» of the full report opened by Calc: every proposal once, decisions in Russian, dates, no formula', async () => {
    const expected = expectedProposals(fx, await decideProposals(ds, fx));
    const decided = expected.filter((p) => p.decided);
    expect([expected.length > 15, decided.length > 10]).toEqual([true, true]);
    const { path, name } = await render(ReportKind.Full, ReportFormat.Xlsx);
    const [resaved] = await office.convert(path, name, 'xlsx');
    const ws = (await workbook(resaved)).getWorksheet('Сводка предложений')!;
    const body = cellRows(ws).slice(1);
    expect(body.map((r) => r[0])).toEqual(expected.map((_, i) => i + 1));
    // text cells as written: formula starters behind the neutralising apostrophe
    expect(body.map((r) => [3, 7, 8].map((j) => r[j] ?? ''))).toEqual(
      expected.map((p) => [safe(p.text), p.decision, safe(p.justification)]),
    );
    expect(body.filter((r) => r[9] instanceof Date)).toHaveLength(decided.length);
    ws.eachRow((row) => row.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
    // and as Calc shows it: the decision column in Russian, the date as ДД.ММ.ГГГГ ЧЧ:ММ
    const files = await office.convert(path, name, EVERY_SHEET_AS_SHOWN);
    const file = files.find((x) => basename(x).endsWith('-Сводка предложений.csv'))!;
    const shown = (parse(readFileSync(file, 'utf8'), { delimiter: ';', relax_column_count: true }) as string[][]).slice(1);
    expect(shown.map((r) => r[7])).toEqual(expected.map((p) => p.decision));
    expect(shown.filter((r) => /^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/.test(r[9] ?? ''))).toHaveLength(decided.length);
    expect(shown.map((r) => r[3])).toEqual(expected.map((p) => safe(p.text)));
  }, 180_000);

  it('CSV (excel-ru) opened with Russian settings: every field in its own column, dates as dates, numbers as numbers', async () => {
    const { path, name } = await render(ReportKind.Discussion, ReportFormat.Csv);
    const [xlsx] = await office.convert(path, name, 'xlsx', RUSSIAN_CSV_IMPORT);
    const ws = (await workbook(xlsx)).worksheets[0];
    const expected = expectedRaw(fx);
    const rows = cellRows(ws);
    expect(rows[0]).toEqual(expected.header);
    expect(rows.slice(1)).toEqual(expected.rows.map((r) => asCells(r, true)));
    expect(ws.getCell('B2').type).toBe(ExcelJS.ValueType.Date);
    const scale = expected.header.findIndex((h) => h.endsWith('Оцените от 1 до 5')) + 1;
    const scaleCells = rows
      .slice(1)
      .map((r) => r[scale - 1])
      .filter((v) => v !== null && v !== undefined);
    expect(scaleCells.length).toBeGreaterThan(0);
    expect(scaleCells.every((v) => typeof v === 'number')).toBe(true);
    // no field became a formula
    ws.eachRow((row) => row.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
  });
});
