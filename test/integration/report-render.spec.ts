import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { CoreModule } from '../../src/core.module';
import { ReportDataService } from '../../src/reports/report-data.service';
import { ReportFormat, ReportKind } from '../../src/reports/report-status';
import { ReportsService } from '../../src/reports/reports.service';
import { StorageService } from '../../src/storage/storage.service';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';

/** What a spreadsheet cell must hold for a text: formula starters neutralised with a leading apostrophe. */
const safe = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/** The raw table recomputed from the fixture: one row per counted response in (created_at, id) order. */
function expectedRaw(fx: ResultsFixture): { header: string[]; rows: string[][] } {
  const kinds: Record<string, string> = { urban_okrug: 'Городской округ', municipal_district: 'Муниципальный район' };
  const header = [
    'Квитанция',
    'Дата и время',
    'Территория',
    'Тип территории',
    'Тип организации',
    'Должность',
    'Организация',
    ...fx.questions.map((q) => (q.documentId ? `${fx.documents.find((d) => d.id === q.documentId)!.title}: ${q.text}` : q.text)),
  ].map(safe);
  const rows = fx.responses
    .filter((r) => !r.excluded)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    .map((r) => {
      const t = fx.territories.find((x) => x.id === r.territoryId)!;
      const cells = fx.questions.map((q) => {
        const own = r.answers.filter((a) => a.questionId === q.id);
        if (!own.length) return '';
        if (q.kind === 'single' || q.kind === 'multi')
          return q.options
            .filter((o) => own.some((a) => a.optionId === o.id))
            .map((o) => o.text)
            .join('; ');
        if (q.kind === 'scale') return String(own[0].value);
        return own[0].text!;
      });
      return [
        r.receipt,
        r.createdAt.toISOString(),
        t.name,
        kinds[t.kind],
        fx.organizationTypes.find((o) => o.code === r.organizationType)!.name,
        fx.positions.find((p) => p.code === r.position)!.name,
        r.organizationName ?? '',
        ...cells,
      ].map(safe);
    });
  return { header, rows };
}

describe('report files (XLSX, CSV, PDF) read back and checked against the inserted rows', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let reports: ReportsService;
  let fx: ResultsFixture;

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

  async function render(kind: ReportKind, format: ReportFormat): Promise<{ path: string; id: string }> {
    const { id } = await reports.requestReport(fx.campaignId, kind, format, null);
    expect(await reports.renderReport(id, true)).toBe('ready');
    const view = await reports.get(id);
    expect(view).toMatchObject({ status: 'ready', progress: 100 });
    const [row] = await ds.query(`SELECT storage_key FROM reports WHERE id = $1`, [id]);
    return { id, path: `${ctx.get(StorageService).root}/${row.storage_key}` };
  }

  it('CSV: UTF-8 with BOM, one row per counted response, every cell as computed, formulas neutralised', async () => {
    const { path, id } = await render(ReportKind.Discussion, ReportFormat.Csv);
    const buf = readFileSync(path);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records: string[][] = parse(buf.subarray(3).toString('utf8'), { relax_column_count: false });
    const expected = expectedRaw(fx);
    expect(records[0]).toEqual(expected.header);
    expect(records.slice(1)).toEqual(expected.rows);
    expect(records.flat().some((c) => c.startsWith("'=HYPERLINK"))).toBe(true);
    expect(records.flat().some((c) => c.startsWith('='))).toBe(false);
    const file = await reports.file(id);
    expect(file.contentType).toBe('text/csv; charset=utf-8');
    expect(file.fileName).toMatch(/^obsuzhdenie-\d{4}-\d{2}-\d{2}\.csv$/);
  });

  it('XLSX: summary, territories, questions, expertise and raw sheets hold the recomputed figures', async () => {
    const { path } = await render(ReportKind.Full, ReportFormat.Xlsx);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Сводка',
      'Территории',
      'Вопросы',
      'Экспертиза',
      'Рекомендации',
      'Расхождения',
      'Оценки экспертов',
      'Ответы',
    ]);
    const values = (name: string) =>
      wb
        .getWorksheet(name)!
        .getSheetValues()
        .slice(1)
        .map((r) => (Array.isArray(r) ? Array.from(r.slice(1), (c) => (c === undefined || c === null ? '' : c)) : []));

    const counted = fx.responses.filter((r) => !r.excluded);
    const active = fx.territories.filter((t) => t.active);
    const covered = active.filter((t) => counted.some((r) => r.territoryId === t.id)).length;
    const summary = new Map(values('Сводка').map((r) => [r[0], r[1]]));
    expect(summary.get('Респондентов')).toBe(counted.length);
    expect(summary.get('Территорий охвачено')).toBe(covered);
    expect(summary.get('Территорий всего (активных)')).toBe(active.length);
    expect(summary.get('Охват территорий, %')).toBe(Math.round((covered * 1000) / active.length) / 10);
    expect(summary.get('Экспертов')).toBe(new Set(fx.reviews.filter((r) => r.status === 'submitted').map((r) => r.expertId)).size);

    const territories = values('Территории').slice(1);
    expect(territories.map((r) => [r[0], r[2]])).toEqual(active.map((t) => [t.name, counted.filter((r) => r.territoryId === t.id).length]));

    // every option of every choice question: count and % of respondents who answered it
    const qrows = values('Вопросы').slice(1);
    for (const q of fx.questions.filter((x) => x.kind === 'multi' || x.kind === 'single')) {
      const answered = counted.filter((r) => r.answers.some((a) => a.questionId === q.id)).length;
      for (const o of q.options) {
        const count = counted.filter((r) => r.answers.some((a) => a.optionId === o.id)).length;
        const row = qrows.find(
          (r) =>
            r[1] === q.text &&
            r[4] === safe(o.text) &&
            (q.documentId ? r[0] === fx.documents.find((d) => d.id === q.documentId)!.title : true),
        );
        expect(row?.slice(3)).toEqual([answered, safe(o.text), count, Math.round((count * 1000) / answered) / 10]);
      }
    }

    const expertise = values('Экспертиза').slice(1);
    const submitted = fx.reviews.filter((r) => r.status === 'submitted');
    for (const d of fx.documents) {
      for (const c of fx.criteria) {
        const scores = submitted.filter((r) => r.documentId === d.id).map((r) => r.scores.find((s) => s.criterionId === c.id)!.score);
        const row = expertise.find((r) => r[0] === d.title && r[3] === c.text)!;
        expect(row[1]).toBe(scores.length);
        expect(row[4]).toBe(Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100);
        expect(row[5]).toBe(Math.round((scores.filter((s) => s === 2).length * 1000) / scores.length) / 10);
        expect(row.slice(6)).toEqual([0, 1, 2].map((v) => scores.filter((s) => s === v).length));
      }
    }
    expect(values('Оценки экспертов').length - 1).toBe(submitted.length * fx.criteria.length);

    const raw = values('Ответы').map((r) => r.map(String));
    const expected = expectedRaw(fx);
    expect(raw[0]).toEqual(expected.header);
    expect(raw.slice(1).map((r) => [...r, ...new Array(expected.header.length - r.length).fill('')])).toEqual(expected.rows);
  });

  it('raw rows read in many small batches (keyset cursor, next batch read ahead) are the same rows, in order', async () => {
    const batch = ReportDataService.BATCH;
    ReportDataService.BATCH = 8; // 70 responses, a few excluded: 8 full batches and a partial one
    try {
      const expected = expectedRaw(fx);
      const csv = readFileSync((await render(ReportKind.Discussion, ReportFormat.Csv)).path);
      expect((parse(csv.subarray(3).toString('utf8')) as string[][]).slice(1)).toEqual(expected.rows);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile((await render(ReportKind.Discussion, ReportFormat.Xlsx)).path);
      const raw = wb
        .getWorksheet('Ответы')!
        .getSheetValues()
        .slice(2)
        .map((r) => Array.from((r as unknown[]).slice(1), (c) => (c === undefined || c === null ? '' : String(c))));
      expect(raw.map((r) => [...r, ...new Array(expected.header.length - r.length).fill('')])).toEqual(expected.rows);
    } finally {
      ReportDataService.BATCH = batch;
    }
  });

  it('PDF: opens, and pdftotext finds the headline figures; markup typed by respondents is printed as text', async () => {
    const { path } = await render(ReportKind.Full, ReportFormat.Pdf);
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
    const counted = fx.responses.filter((r) => !r.excluded);
    const active = fx.territories.filter((t) => t.active);
    const covered = active.filter((t) => counted.some((r) => r.territoryId === t.id)).length;
    expect(text).toContain('Итоги обсуждения и экспертизы');
    expect(text).toMatch(new RegExp(`Респондентов:\\s+${counted.length}`));
    expect(text).toMatch(new RegExp(`Территорий охвачено:\\s+${covered} из ${active.length}`));
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain(fx.criteria[0].text);
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
});
