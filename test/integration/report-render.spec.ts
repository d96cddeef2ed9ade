import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { CoreModule } from '../../src/core.module';
import { CSV_DIALECTS, csvRecord } from '../../src/reports/renderers/csv.renderer';
import { RAW_FIXED_HEADERS, RAW_TIME_COLUMN, ReportDataService } from '../../src/reports/report-data.service';
import { neutralizeCell } from '../../src/reports/cell-safety';
import { CsvDialect, ReportFormat, ReportKind } from '../../src/reports/report-status';
import { ReportsService } from '../../src/reports/reports.service';
import { XlsxRenderer } from '../../src/reports/renderers/xlsx.renderer';
import { ResultsService } from '../../src/results/results.service';
import { StorageService } from '../../src/storage/storage.service';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';
import {
  cellRows,
  codeValues,
  decideProposals,
  expectedProposals,
  expectedRaw,
  figures,
  figuresLine,
  localDateTime,
  PROPOSALS_HEADER,
  safe,
  StoredDecisions,
  TERRITORY_KINDS,
  wallClock,
} from './report-expectations';

/** An expected raw row as the XLSX cells hold it: the time a date cell, empty cells null and left off at the end. */
function asCells(row: (string | number)[]): unknown[] {
  const cells: unknown[] = row.map((c, i) => (i === 1 ? wallClock(c as number) : c === '' ? null : c));
  while (cells.length && cells[cells.length - 1] === null) cells.pop();
  return cells;
}

/**
 * How many lines of `pdftotext -layout` output a criterion's text takes in the criteria table's first column: the
 * lines from the one holding its first words, each line's text up to its first wide gap, until the text is complete.
 */
function criterionLines(layout: string, text: string): number {
  const lines = layout.split('\n');
  const words = text.split(' ');
  const start = lines.findIndex((l) => l.includes(words.slice(0, 2).join(' ')));
  let taken = '';
  let n = 0;
  for (let i = start; i >= 0 && i < lines.length && !taken.includes(text); i++) {
    taken = `${taken} ${lines[i].trim().split(/\s{2,}/)[0]}`.trim();
    n++;
  }
  return taken.includes(text) ? n : -1;
}

describe('report files (XLSX, CSV, PDF) read back and checked against the inserted rows', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let reports: ReportsService;
  let fx: ResultsFixture;
  /** decisions stored on the fixture's proposals by the «Сводка предложений» tests (the first one to run) */
  let decisions: StoredDecisions | undefined;

  beforeAll(async () => {
    ctx = await NestFactory.createApplicationContext(CoreModule, { logger: false });
    ctx.enableShutdownHooks();
    ds = ctx.get<DataSource>(getDataSourceToken());
    reports = ctx.get(ReportsService);
    fx = await buildResultsCampaign(ds, { responses: 70, seed: 5, status: 'completed' });
  });
  afterAll(async () => {
    await ctx.close();
  });

  async function render(
    kind: ReportKind,
    format: ReportFormat,
    dialect?: CsvDialect,
    campaignId = fx.campaignId,
  ): Promise<{ path: string; id: string }> {
    const { id } = await reports.requestReport(campaignId, kind, format, null, dialect);
    expect(await reports.renderReport(id, true)).toBe('ready');
    const view = await reports.get(id);
    expect(view).toMatchObject({ status: 'ready', progress: 100 });
    const [row] = await ds.query(`SELECT storage_key FROM reports WHERE id = $1`, [id]);
    return { id, path: `${ctx.get(StorageService).root}/${row.storage_key}` };
  }

  async function readXlsx(path: string): Promise<ExcelJS.Workbook> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    return wb;
  }

  const today = async () => {
    const [row] = await ds.query(
      `SELECT to_char(computed_at AT TIME ZONE 'Asia/Yekaterinburg', 'YYYY-MM-DD') AS day FROM results_snapshots
        WHERE campaign_id = $1 ORDER BY computed_at DESC LIMIT 1`,
      [fx.campaignId],
    );
    return row.day as string;
  };

  it('CSV by default (excel-ru): BOM, «;», CRLF, local times ДД.ММ.ГГГГ ЧЧ:ММ, every cell as computed, formulas neutralised', async () => {
    const { path, id } = await render(ReportKind.Discussion, ReportFormat.Csv);
    const buf = readFileSync(path);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buf.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0].split(';').length).toBe(expectedRaw(fx).header.length);
    const records: string[][] = parse(text, { delimiter: ';', record_delimiter: '\r\n', relax_column_count: false });
    const expected = expectedRaw(fx);
    expect(records[0]).toEqual(expected.header);
    expect(records.slice(1)).toEqual(expected.rows.map((r) => r.map((c, i) => (i === 1 ? localDateTime(c as number) : String(c)))));
    expect(records[1][1]).toMatch(/^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$/);
    expect(records.flat().some((c) => c.startsWith("'=HYPERLINK"))).toBe(true);
    expect(records.flat().some((c) => c.startsWith('='))).toBe(false);
    const file = await reports.file(id);
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.fileName).toBe(`obsuzhdenie-${fx.slug}-${await today()}.csv`);
    expect(await reports.get(id)).toMatchObject({ csvDialect: 'excel-ru' });
  });

  it('the CSV dialects write numbers with a decimal comma (excel-ru) or point (rfc4180)', () => {
    expect(CSV_DIALECTS['excel-ru'].number(4.25)).toBe('4,25');
    expect(CSV_DIALECTS['excel-ru'].number(12)).toBe('12');
    expect(CSV_DIALECTS.rfc4180.number(4.25)).toBe('4.25');
    expect(CSV_DIALECTS['excel-ru'].time(Date.parse('2026-12-02T12:50:43.534Z'))).toBe('02.12.2026 17:50');
  });

  it('CSV rfc4180: no BOM, commas, ISO 8601 UTC times, the same rows', async () => {
    const { path, id } = await render(ReportKind.Discussion, ReportFormat.Csv, CsvDialect.Rfc4180);
    const buf = readFileSync(path);
    expect(buf.toString('utf8').startsWith('Квитанция,Дата и время,Территория,')).toBe(true);
    const records: string[][] = parse(buf.toString('utf8'), { record_delimiter: '\r\n' });
    const expected = expectedRaw(fx);
    expect(records[0]).toEqual(expected.header);
    expect(records.slice(1)).toEqual(
      expected.rows.map((r) => r.map((c, i) => (i === 1 ? new Date(c as number).toISOString() : String(c)))),
    );
    expect((await reports.file(id)).fileName).toBe(`obsuzhdenie-${fx.slug}-${await today()}.csv`);
    expect(await reports.get(id)).toMatchObject({ csvDialect: 'rfc4180' });
  });

  it('the PDF\'s free texts are the newest (created_at DESC, id), ties at the edge ordered as a full sort orders them', async () => {
    const other = await buildResultsCampaign(ds, { responses: 60, seed: 13 });
    // submissions stored in one batch share their instant: five instants of twelve responses each
    await ds.query(
      `UPDATE responses r SET created_at = timestamptz '2026-11-30 10:00+05' + (n.k / 12) * interval '1 minute'
         FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM responses WHERE campaign_id = $1) n
        WHERE r.id = n.id`,
      [other.campaignId],
    );
    const data = ctx.get(ReportDataService);
    const fullSort = (questionId: string, limit: number) =>
      ds.query(
        `SELECT a.text, t.name AS territory, COALESCE(p.name, r.position) AS position
           FROM response_answers a JOIN responses r ON r.id = a.response_id
           JOIN territories t ON t.id = r.territory_id LEFT JOIN positions p ON p.code = r.position
          WHERE a.question_id = $1 AND a.text IS NOT NULL AND btrim(a.text) <> '' AND r.excluded = false
          ORDER BY r.created_at DESC, r.id LIMIT $2`,
        [questionId, limit],
      );
    const texts = other.questions.filter((q) => q.kind === 'text');
    expect(texts.length).toBeGreaterThan(0);
    for (const q of texts) {
      const all = await fullSort(q.id, 1000);
      expect(all.length).toBeGreaterThan(20);
      for (const limit of [1, 5, 7, 12, 20, all.length, all.length + 5]) {
        expect(await data.texts(q.id, limit)).toEqual(await fullSort(q.id, limit));
      }
    }
  });

  // csv-stringify with `quote_record_delimiter`: with only CRLF as the record delimiter it left a text holding a bare
  // LF or CR unquoted (Excel starts a new row there); the records now quote those too
  const stringifyRecords = (cells: unknown[][], delimiter: string) =>
    stringify(cells, { delimiter, record_delimiter: '\r\n', quote_record_delimiter: true });

  it('raw rows read in ranges, several at once, come in the same order as one read of them all', async () => {
    const data = ctx.get(ReportDataService);
    const columns = await data.columns(fx.campaignId);
    const all = async () => {
      const rows: unknown[][] = [];
      for await (const batch of data.rawBatches(fx.campaignId, columns)) rows.push(...batch);
      return rows;
    };
    const { BATCH, READERS } = ReportDataService;
    try {
      ReportDataService.BATCH = 100_000;
      const whole = await all();
      expect(whole.length).toBe(fx.responses.filter((r) => !r.excluded).length);
      for (const [batch, readers] of [[7, 2], [7, 3], [1, 2], [69, 2]]) {
        ReportDataService.BATCH = batch;
        ReportDataService.READERS = readers;
        expect(await all()).toEqual(whole);
      }
    } finally {
      ReportDataService.BATCH = BATCH;
      ReportDataService.READERS = READERS;
    }
  });

  it('a full XLSX reports its progress by rows written, through «Сводка предложений» and «Ответы», never backwards', async () => {
    decisions ??= await decideProposals(ds, fx);
    const snapshot = (await ctx.get(ResultsService).latestOrAggregate(fx.campaignId))!;
    const { BATCH } = ReportDataService;
    const seen: number[] = [];
    ReportDataService.BATCH = 5; // many batches of raw rows (the proposals come in their own batches)
    try {
      await ctx.get(XlsxRenderer).render({
        campaignId: fx.campaignId,
        kind: ReportKind.Full,
        snapshot,
        path: join(mkdtempSync(join(tmpdir(), 'xlsx-progress-')), 'full.xlsx'),
        progress: async (p) => void seen.push(p),
      });
    } finally {
      ReportDataService.BATCH = BATCH;
    }
    expect(seen.length).toBeGreaterThan(10);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[0]).toBeGreaterThanOrEqual(5);
    expect(seen[seen.length - 1]).toBe(95);
    // the proposals sheet moves it before the raw rows start
    expect(seen.filter((p) => p > 5 && p < 50).length).toBeGreaterThan(0);
  });

  it('CSV records equal, byte for byte, what csv-stringify writes for the same rows (both dialects)', async () => {
    const data = ctx.get(ReportDataService);
    for (const dialect of [CsvDialect.ExcelRu, CsvDialect.Rfc4180]) {
      const rules = CSV_DIALECTS[dialect];
      const columns = await data.columns(fx.campaignId);
      const rows: unknown[][] = [[...RAW_FIXED_HEADERS, ...columns.map((c) => c.header)]];
      for await (const batch of data.rawBatches(fx.campaignId, columns)) {
        for (const row of batch) rows.push(row.map((v, i) => (i === RAW_TIME_COLUMN ? rules.time(v as number) : v)));
      }
      expect(rows.length).toBe(1 + fx.responses.filter((r) => !r.excluded).length);
      const cells = rows.map((r) => r.map((v) => (typeof v === 'number' ? rules.number(v) : neutralizeCell(v))));
      const expected = (rules.bom ? '\uFEFF' : '') + stringifyRecords(cells, rules.delimiter);
      expect(readFileSync((await render(ReportKind.Discussion, ReportFormat.Csv, dialect)).path, 'utf8')).toBe(expected);
    }
    // the cells that must be quoted or neutralised, one by one
    const tricky = ['a;b', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere', '=1+1', '-5', '@x', '\tx', '', null, 7, 4.5];
    for (const dialect of [CsvDialect.ExcelRu, CsvDialect.Rfc4180]) {
      const rules = CSV_DIALECTS[dialect];
      const cells = [tricky.map((v) => (typeof v === 'number' ? rules.number(v) : neutralizeCell(v)))];
      expect(csvRecord(tricky, rules)).toBe(stringifyRecords(cells, rules.delimiter));
    }
  });

  it('XLSX: «Содержание» first, then data sheets with a styled frozen header, an auto-filter and fitted widths', async () => {
    const wb = await readXlsx((await render(ReportKind.Full, ReportFormat.Xlsx)).path);
    const names = wb.worksheets.map((w) => w.name);
    expect(names).toEqual([
      'Содержание',
      'Сводка',
      'Территории',
      'Без ответов',
      'Разрезы',
      'Вопросы',
      'Сводка предложений',
      'Экспертиза',
      'Рекомендации',
      'Расхождения',
      'Оценки экспертов',
      'Ответы',
    ]);
    for (const ws of wb.worksheets.slice(1)) {
      const rows = ws.actualRowCount;
      const width = ws.getRow(1).cellCount;
      expect([ws.name, ws.views[0]]).toEqual([ws.name, expect.objectContaining({ state: 'frozen', ySplit: 1 })]);
      expect([ws.name, ws.autoFilter]).toEqual([ws.name, `A1:${ws.getColumn(width).letter}${rows}`]);
      const header = ws.getRow(1);
      header.eachCell((c) => expect([ws.name, c.font?.bold, (c.fill as ExcelJS.FillPattern).pattern]).toEqual([ws.name, true, 'solid']));
      for (let i = 1; i <= width; i++) {
        const w = ws.getColumn(i).width ?? 9; // exceljs leaves out a width equal to its default, 9
        expect([ws.name, i, w >= 8 && w <= 70]).toEqual([ws.name, i, true]);
      }
    }
    // the territory names fit their column
    const longest = Math.max(...fx.territories.map((t) => t.name.length));
    expect(wb.getWorksheet('Территории')!.getColumn(1).width).toBeGreaterThanOrEqual(longest);

    const contents = cellRows(wb.getWorksheet('Содержание')!);
    const byLabel = new Map(contents.map((r) => [r[0], r.slice(1)]));
    expect(byLabel.get('Кампания')).toEqual([fx.title]);
    expect(byLabel.get('Этап кампании')).toEqual(['Завершена']);
    const [snapshot] = await ds.query(
      `SELECT computed_at FROM results_snapshots WHERE campaign_id = $1 ORDER BY computed_at DESC LIMIT 1`,
      [fx.campaignId],
    );
    const computed = byLabel.get('Результаты подсчитаны')![0] as Date;
    expect(computed).toBeInstanceOf(Date);
    expect(computed.getTime()).toBe(wallClock(new Date(snapshot.computed_at).getTime()).getTime());
    expect(byLabel.get('Время')).toEqual(['местное (UTC+5), во всех листах']);
    for (const name of names.slice(1)) {
      const row = byLabel.get(name)!;
      expect([name, typeof row[0], row[1]]).toEqual([name, 'string', wb.getWorksheet(name)!.actualRowCount - 1]);
    }
  });

  it('XLSX: figures equal the snapshot recomputed from the inserted rows; times are date cells; no code shows', async () => {
    const wb = await readXlsx((await render(ReportKind.Full, ReportFormat.Xlsx)).path);
    const values = (name: string) => cellRows(wb.getWorksheet(name)!);
    const f = figures(fx);

    const summary = new Map(values('Сводка').map((r) => [r[0], r.slice(1)]));
    expect(summary.get('Респондентов')).toEqual([f.counted.length]);
    expect(summary.get('Территорий охвачено')).toEqual([f.covered.length]);
    expect(summary.get('Территорий всего (активных)')).toEqual([f.active.length]);
    expect(summary.get('Территорий без ответов')).toEqual([f.active.length - f.covered.length]);
    const coverage = summary.get('Охват территорий')![1] as number;
    expect(Math.round(coverage * 1000) / 10).toBe(Math.round((f.covered.length * 1000) / f.active.length) / 10);
    expect(wb.getWorksheet('Сводка')!.getCell('C6').numFmt).toBe('0.0%');
    expect(summary.get('Экспертов')).toEqual([f.experts]);

    const territories = values('Территории').slice(1);
    expect(territories.map((r) => [r[0], r[1], r[2]])).toEqual(
      f.active.map((t) => [t.name, TERRITORY_KINDS[t.kind], f.counted.filter((r) => r.territoryId === t.id).length]),
    );
    for (const r of territories.filter((x) => (x[2] as number) > 0)) {
      expect(Math.round((r[3] as number) * 1000) / 10).toBe(Math.round(((r[2] as number) * 1000) / f.counted.length) / 10);
    }
    expect(values('Без ответов').slice(1)).toEqual(
      f.active.filter((t) => !f.covered.includes(t)).map((t) => [t.name, TERRITORY_KINDS[t.kind]]),
    );

    // every option of every choice question: count and share of respondents who answered it
    const qrows = values('Вопросы').slice(1);
    for (const q of fx.questions.filter((x) => x.kind === 'multi' || x.kind === 'single')) {
      const answered = f.counted.filter((r) => r.answers.some((a) => a.questionId === q.id)).length;
      const doc = q.documentId ? fx.documents.find((d) => d.id === q.documentId)!.title : 'Общие вопросы';
      for (const o of q.options) {
        const count = f.counted.filter((r) => r.answers.some((a) => a.optionId === o.id)).length;
        const row = qrows.find((r) => r[0] === doc && r[1] === q.text && r[4] === safe(o.text))!;
        expect(row.slice(2, 6)).toEqual([q.kind === 'multi' ? 'Несколько вариантов' : 'Один вариант', answered, safe(o.text), count]);
        expect(Math.round((row[6] as number) * 1000) / 10).toBe(Math.round((count * 1000) / answered) / 10);
      }
    }
    for (const q of fx.questions.filter((x) => x.kind === 'scale')) {
      const values_ = f.counted.flatMap((r) => r.answers.filter((a) => a.questionId === q.id).map((a) => a.value!));
      const rows = qrows.filter((r) => r[1] === q.text && r[0] === fx.documents.find((d) => d.id === q.documentId)!.title);
      expect(rows.map((r) => [r[2], r[4], r[5]])).toEqual([1, 2, 3, 4, 5].map((v) => ['Шкала', v, values_.filter((x) => x === v).length]));
      expect(rows[0][7]).toBe(Math.round((values_.reduce((a, b) => a + b, 0) / values_.length) * 100) / 100);
    }

    const expertise = values('Экспертиза').slice(1);
    for (const d of fx.documents) {
      const submitted = fx.reviews.filter((r) => r.status === 'submitted' && r.documentId === d.id);
      for (const c of fx.criteria) {
        const scores = submitted.map((r) => r.scores.find((s) => s.criterionId === c.id)!.score);
        const row = expertise.find((r) => r[0] === d.title && r[3] === c.text)!;
        expect(row[1]).toBe(scores.length);
        expect(row[4]).toBe(Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100);
        expect(Math.round((row[5] as number) * 1000) / 10).toBe(
          Math.round((scores.filter((s) => s === 2).length * 1000) / scores.length) / 10,
        );
        expect(row.slice(6)).toEqual([0, 1, 2].map((v) => scores.filter((s) => s === v).length));
      }
    }
    const recommendationNames = new Set(fx.recommendations.map((r) => r.name));
    expect(
      values('Рекомендации')
        .slice(1)
        .every((r) => recommendationNames.has(r[1] as string)),
    ).toBe(true);
    expect(
      values('Расхождения')
        .slice(1)
        .map((r) => r[1]),
    ).toContain(fx.experts[2].fullName);
    expect(values('Оценки экспертов').length - 1).toBe(f.submitted.length * fx.criteria.length);

    // the raw sheet: every row as computed, the time a date cell holding the local wall clock
    const raw = wb.getWorksheet('Ответы')!;
    const expected = expectedRaw(fx);
    const rows = cellRows(raw);
    expect(rows[0]).toEqual(expected.header);
    expect(rows.slice(1)).toEqual(expected.rows.map(asCells));
    expect(raw.getCell('B2').numFmt).toBe('dd.mm.yyyy hh:mm');

    // no cell of any sheet holds a code instead of its name
    const codes = new Set(await codeValues(ds));
    const shown: string[] = [];
    for (const ws of wb.worksheets)
      for (const r of cellRows(ws)) for (const c of r) if (typeof c === 'string' && codes.has(c)) shown.push(`${ws.name}: ${c}`);
    expect(shown).toEqual([]);
  });

  it('XLSX: sheets that would be empty are left out, and «Содержание» says why', async () => {
    const lone = await buildResultsCampaign(ds, { responses: 0, experts: 1, seed: 8, status: 'completed' });
    const wb = await readXlsx((await render(ReportKind.Full, ReportFormat.Xlsx, undefined, lone.campaignId)).path);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Содержание',
      'Сводка',
      'Территории',
      'Без ответов',
      'Разрезы',
      'Вопросы',
      'Экспертиза',
      'Рекомендации',
      'Оценки экспертов',
    ]);
    const contents = cellRows(wb.getWorksheet('Содержание')!);
    const why = contents.slice(contents.findIndex((r) => r[0] === 'Не включены') + 1);
    expect(why).toEqual([
      ['Сводка предложений', 'участники обсуждения не написали ни одного предложения'],
      ['Расхождения', 'ни один документ не оценён двумя и более экспертами: сравнивать не с кем'],
      ['Ответы', 'нет ни одного учтённого ответа'],
    ]);
  });

  it('raw rows read in many small batches (keyset cursor, next batch read ahead) are the same rows, in order', async () => {
    const batch = ReportDataService.BATCH;
    ReportDataService.BATCH = 8; // 70 responses, a few excluded: 8 full batches and a partial one
    try {
      const expected = expectedRaw(fx);
      const csv = readFileSync((await render(ReportKind.Discussion, ReportFormat.Csv, CsvDialect.Rfc4180)).path);
      expect((parse(csv.toString('utf8')) as string[][]).slice(1).map((r) => r[0])).toEqual(expected.rows.map((r) => r[0]));
      const wb = await readXlsx((await render(ReportKind.Discussion, ReportFormat.Xlsx)).path);
      expect(cellRows(wb.getWorksheet('Ответы')!).slice(1)).toEqual(expected.rows.map(asCells));
    } finally {
      ReportDataService.BATCH = batch;
    }
  });

  it('PDF: figures, whole territory labels once per chart, silent territories, contents, criteria, page footers', async () => {
    const { path, id } = await render(ReportKind.Full, ReportFormat.Pdf);
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await reports.file(id)).fileName).toBe(`itogi-${fx.slug}-${await today()}.pdf`);
    const layout = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    const raw = execFileSync('pdftotext', ['-raw', path, '-'], { encoding: 'utf8' });
    const flat = raw.replace(/\s+/g, ' ');
    const f = figures(fx);
    expect(layout).toContain('Итоги обсуждения и экспертизы');
    expect(layout).toMatch(new RegExp(`Респондентов:\\s+${f.counted.length}`));
    expect(layout).toMatch(new RegExp(`Территорий охвачено:\\s+${f.covered.length} из ${f.active.length}`));
    expect(layout).toContain('<script>alert(1)</script>');
    // Krippendorff's alpha: two decimals with a decimal comma, as on the pages and in the emails
    const alphas = [...flat.matchAll(/порядковая шкала\): (не определена|[−-]?\d+(?:,\d+)?)/g)].map((m) => m[1]);
    expect(alphas.length).toBeGreaterThan(0);
    for (const a of alphas) expect([a, /^(не определена|[−-]?\d,\d\d)$/.test(a)]).toEqual([a, true]);

    // the territory chart: each covered territory once, whole, its kind not repeated after a name that says it
    const chart = flat.slice(flat.indexOf('Респонденты по территориям'), flat.indexOf('Территории без ответов ('));
    for (const t of f.covered) {
      expect([t.name, chart.split(t.name).length - 1]).toEqual([t.name, 1]);
    }
    expect(chart).not.toMatch(/\((муниципальный район|городской округ)\)/i);
    const silent = flat.slice(flat.indexOf('Территории без ответов ('), flat.indexOf('По типам организаций'));
    expect(silent).toContain(`Территории без ответов (${f.active.length - f.covered.length} из ${f.active.length})`);
    for (const t of f.active.filter((x) => !f.covered.includes(x))) expect([t.name, silent.includes(t.name)]).toEqual([t.name, true]);

    // long labels are wrapped, never cut: every position and organization type with respondents is there in full
    for (const p of [...fx.positions, ...fx.organizationTypes].filter((x) =>
      f.counted.some((r) => r.position === x.code || r.organizationType === x.code),
    )) {
      expect([p.name, flat.includes(p.name)]).toEqual([p.name, true]);
    }
    expect(flat).not.toContain('…');

    // a contents list, and the criteria table with each criterion whole on at most three lines
    const documents = fx.documents.map((d) => d.title).join(' ');
    expect(flat).toContain(
      `Содержание 1. Профессионально-общественное обсуждение Респонденты Территории без ответов Общие вопросы ${documents} ` +
        `2. Сводка предложений ${documents} 3. Профессиональная экспертиза ${documents}`,
    );
    expect(flat).toContain('Критерий Средний балл Доля «полностью», % Число оценок 0 1 2');
    for (const c of fx.criteria) expect([c.text, flat.includes(c.text)]).toEqual([c.text, true]);
    const long = fx.criteria[2].text;
    // 175 characters on at most 4 lines of the criterion column (a squeezed column took ~10)
    const taken = criterionLines(layout, long);
    expect([long.length, taken >= 1 && taken <= 4]).toEqual([long.length, true]);

    // every page: the campaign title and «Страница N из M»
    const pages = layout.split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((p, i) => {
      expect([i + 1, p.includes(`Страница ${i + 1} из ${pages.length}`)]).toEqual([i + 1, true]);
      expect([i + 1, p.includes(fx.title)]).toEqual([i + 1, true]);
    });
  });

  it('a failing render goes back to queued for a retry, and on the last attempt is failed with the reason', async () => {
    const [{ id }] = await ds.query(`INSERT INTO reports (campaign_id, kind, format) VALUES ($1, 'discussion', 'docx') RETURNING id`, [
      fx.campaignId,
    ]);
    await expect(reports.buildReport(id, false)).rejects.toThrow('unknown report format: docx');
    expect(await reports.get(id)).toMatchObject({ status: 'queued', error: 'unknown report format: docx' });
    expect(await reports.renderReport(id, true)).toBe('failed');
    expect(await reports.get(id)).toMatchObject({ id, status: 'failed', error: 'unknown report format: docx' });
  });
  it('full report XLSX: «Сводка предложений» holds every proposal once, its decision in Russian, counts as recomputed', async () => {
    decisions ??= await decideProposals(ds, fx);
    const expected = expectedProposals(fx, decisions);
    const decided = expected.filter((p) => p.decided);
    expect([expected.length > 30, decided.length > 20, decided.length < expected.length]).toEqual([true, true, true]);
    const wb = await readXlsx((await render(ReportKind.Full, ReportFormat.Xlsx)).path);
    const ws = wb.getWorksheet('Сводка предложений')!;
    const rows = cellRows(ws);
    expect(rows[0]).toEqual(PROPOSALS_HEADER);
    const body = rows.slice(1);
    expect(body.map((r) => r[0])).toEqual(expected.map((_, i) => i + 1));
    // in summary order, each proposal once with its decision and justification (formula starters neutralised)
    const cells = (r: unknown[]) => Array.from({ length: 8 }, (_, j) => r[j + 1] ?? '');
    expect(body.map(cells)).toEqual(
      expected.map((p) => [
        p.document,
        p.question,
        safe(p.text),
        p.territory,
        p.position,
        p.organizationType,
        p.decision,
        safe(p.justification),
      ]),
    );
    expect(body.filter((r) => r[9] instanceof Date)).toHaveLength(decided.length);
    const firstDecided = body.findIndex((r) => r[9] instanceof Date) + 2;
    expect(ws.getCell(`J${firstDecided}`).numFmt).toBe('dd.mm.yyyy hh:mm');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe(`A1:J${expected.length + 1}`);
    expect(ws.getColumn(4).width).toBeGreaterThanOrEqual(40);
    ws.eachRow((row) => row.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
    const contents = cellRows(wb.getWorksheet('Содержание')!).find((r) => r[0] === 'Сводка предложений')!;
    expect(contents[1]).toContain(`решение принято по ${decided.length} из ${expected.length} — на момент формирования отчёта`);
    expect(contents[2]).toBe(expected.length);
    // the discussion report is made before any decision can exist: no summary there
    const discussion = await readXlsx((await render(ReportKind.Discussion, ReportFormat.Xlsx)).path);
    expect(discussion.worksheets.map((w) => w.name)).not.toContain('Сводка предложений');
  });

  it('full report PDF: «Сводка предложений» per document, every decided proposal once in order with its decision in Russian', async () => {
    decisions ??= await decideProposals(ds, fx);
    const expected = expectedProposals(fx, decisions);
    const decided = expected.filter((p) => p.decided);
    expect(decided.length).toBeGreaterThan(20);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', (await render(ReportKind.Full, ReportFormat.Pdf)).path, '-'], {
      encoding: 'utf8',
    });
    const section = text.slice(
      text.indexOf('Предложения участников обсуждения (свободные ответы)'),
      text.lastIndexOf('Профессиональная экспертиза'),
    );
    const flat = section.replace(/\s+/g, ' ');
    expect(flat).toContain(`Предложений: ${expected.length}, решение принято по ${decided.length}.`);
    for (const d of fx.documents) {
      const own = expected.filter((p) => p.document === d.title);
      expect([d.title, flat.includes(`${d.title} ${figuresLine(own)}`)]).toEqual([d.title, true]);
    }
    expect(flat).toContain('Ниже — предложения с решением; все предложения, с решениями и без, — на листе «Сводка предложений» XLSX-версии отчёта.');
    // each decided proposal's numbered first line once, in order, followed by its decision and justification (the
    // undecided are counted above, listed in the XLSX)
    const lines = section.split(/[\n\f]/);
    expect(lines.filter((l) => /^\d+\. /.test(l))).toHaveLength(decided.length);
    let at = 0;
    const seq = new Map<string, number>();
    for (const p of decided) {
      seq.set(p.document, (seq.get(p.document) ?? 0) + 1);
      const head = `${seq.get(p.document)}. ${p.text.split('\n')[0]}`;
      at = lines.indexOf(head, at);
      expect([head, at >= 0]).toEqual([head, true]);
      const decision = lines.slice(at).find((l) => l.startsWith('Решение: '))!;
      const shown = p.justification ? `Решение: ${p.decision}. Обоснование: ${p.justification}` : `Решение: ${p.decision}`;
      expect([head, decision]).toEqual([head, shown]);
    }
  }, 60_000);
});
