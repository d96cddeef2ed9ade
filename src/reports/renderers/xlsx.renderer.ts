import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { wallClockDate, zoneOffsetMs } from '../../common/display-time-zone';
import { neutralizeCell } from '../cell-safety';
import { RAW_FIXED_HEADERS, RAW_TIME_COLUMN, RawColumn, ReportDataService } from '../report-data.service';
import { stageLabel } from '../report-labels';
import { ProposalsSummaryService } from '../../proposals/proposals-summary.service';
import { includesDiscussion, includesExpertise, includesProposals, KIND_TITLES, RenderContext } from './render-context';
import { RAW_SHEET, SheetPlan, summarySheets } from './xlsx-sheets';
import { DATE_STYLE, LABEL_STYLE, PLAIN_STYLE, SheetTable, TableColumn, TITLE_STYLE, writeTable } from './xlsx-table';

/** Sheet XML waiting for deflate above which the raw rows wait for it (exceljs's row commit has no backpressure). */
const PENDING_LIMIT = 4 * 1024 * 1024;
/** Raw rows rendered between two turns of the event loop, in which deflate and PostgreSQL's next batch progress. */
const ROWS_PER_TURN = 200;
/** Longest wait for deflate: a stalled zip must fail the report through exceljs, not hang it here. */
const MAX_WAIT_MS = 5_000;

type ZipInput = Writable & { _writableState?: { length: number } };

/**
 * The stream exceljs hands a sheet's XML to (the zip entry's input). exceljs writes into it ignoring write()'s return
 * value, so XML rendered faster than deflate takes it piles up in its buffer; its length is the exact backlog.
 * Internal to exceljs 4.4 (pinned): xlsx.renderer.spec.ts fails if an upgrade moves it.
 */
export function zipInput(ws: ExcelJS.Worksheet): ZipInput | undefined {
  const target = (ws as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0] as ZipInput | undefined;
  return typeof target?._writableState?.length === 'number' ? target : undefined;
}

/**
 * Lets deflate (zlib's thread pool, fed from this thread) and the next batch's query progress, and waits while the
 * backlog of sheet XML is above PENDING_LIMIT, so memory stays flat however many rows there are.
 */
async function letZipCatchUp(input: ZipInput | undefined): Promise<void> {
  if (input && input._writableState!.length > PENDING_LIMIT) {
    // 'drain' comes when the backlog is empty; the bounded wait keeps a stalled zip from hanging the report
    await once(input, 'drain', { signal: AbortSignal.timeout(MAX_WAIT_MS) }).catch(() => undefined);
  } else {
    await setImmediate();
  }
}

/** A Date cell reads as the display zone's wall clock; the contents sheet says which offset that is. */
function utcOffsetText(instantMs: number): string {
  const minutes = Math.round(zoneOffsetMs(instantMs) / 60_000);
  const sign = minutes < 0 ? '−' : '+';
  const h = Math.floor(Math.abs(minutes) / 60);
  const m = Math.abs(minutes) % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

/**
 * XLSX with exceljs's streaming WorkbookWriter: rows are committed to the file as they are written (no shared
 * strings: they would keep every distinct text in memory), so memory stays flat however many raw rows there are.
 * Styles are on (header, date, number and percent formats) with one shared style object per column kind, which
 * exceljs resolves by identity (see xlsx-table.ts). Sheets: «Содержание» first, then the summary sheets
 * (xlsx-sheets.ts, with «Сводка предложений» in a full report), then the raw answers.
 */
@Injectable()
export class XlsxRenderer {
  constructor(
    private readonly data: ReportDataService,
    private readonly proposals: ProposalsSummaryService,
  ) {}

  async render(ctx: RenderContext): Promise<void> {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: ctx.path,
      useStyles: true,
      useSharedStrings: false,
      // fast deflate: the zip keeps up with the rows, so they do not pile up in memory waiting to be compressed
      zip: { zlib: { level: 1 } },
    } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookWriter>[0]);
    const reviews = includesExpertise(ctx.kind) ? await this.data.reviewRows(ctx.campaignId) : [];
    const proposals = includesProposals(ctx.kind) ? await this.proposals.reportData(ctx.campaignId) : null;
    const plan = summarySheets(ctx.kind, ctx.snapshot, reviews, proposals);
    let raw: { columns: RawColumn[]; count: number } | null = null;
    if (includesDiscussion(ctx.kind)) {
      const [columns, count] = await Promise.all([this.data.columns(ctx.campaignId), this.data.countIncluded(ctx.campaignId)]);
      raw = { columns, count };
      if (!count) plan.omitted.push({ name: RAW_SHEET, reason: 'нет ни одного учтённого ответа' });
    }
    this.contents(wb, ctx, plan, raw?.count ? raw.count : null);
    // progress by rows written: the streamed sheets («Сводка предложений» of a full report, «Ответы») are nearly all
    // of the work, up to a million rows each
    const total = Math.max(1, plan.tables.reduce((n, t) => n + (t.stream?.count ?? 0), 0) + (raw?.count ?? 0));
    let written = 0;
    const advance = async (rows: number) => {
      written += rows;
      await ctx.progress(Math.min(95, 5 + Math.floor((written / total) * 90)));
    };
    for (const table of plan.tables) {
      if (table.stream) await this.streamedSheet(wb, table.name, table.columns, table.stream.batches(), advance);
      else writeTable(wb, table);
    }
    await advance(0);
    if (raw?.count) await this.streamedSheet(wb, RAW_SHEET, rawTableColumns(raw.columns), this.data.rawBatches(ctx.campaignId, raw.columns), advance);
    await wb.commit();
  }

  /** «Содержание»: what each sheet holds, for which moment, and which sheets are left out and why. */
  private contents(wb: ExcelJS.stream.xlsx.WorkbookWriter, ctx: RenderContext, plan: SheetPlan, rawCount: number | null): void {
    const { snapshot } = ctx;
    const ws = wb.addWorksheet('Содержание');
    ws.columns = [{ width: 26 }, { width: 100 }, { width: 12 }];
    const add = (values: unknown[], styles: Partial<ExcelJS.Style>[] = []) => {
      const row = ws.addRow(values.map((v) => (typeof v === 'string' ? neutralizeCell(v) : v)));
      row.eachCell((cell, i) => (cell.style = styles[i - 1] ?? PLAIN_STYLE));
      row.commit();
    };
    const computed = Date.parse(snapshot.computedAt);
    add([KIND_TITLES[ctx.kind]], [TITLE_STYLE]);
    add(['Кампания', snapshot.title], [LABEL_STYLE]);
    add(['Этап кампании', stageLabel(snapshot.stage)], [LABEL_STYLE]);
    add(['Результаты подсчитаны', wallClockDate(computed)], [LABEL_STYLE, DATE_STYLE]);
    add(['Отчёт сформирован', wallClockDate(Date.now())], [LABEL_STYLE, DATE_STYLE]);
    add(['Время', `местное (${utcOffsetText(computed)}), во всех листах`], [LABEL_STYLE]);
    add([]);
    add(['Лист', 'Что содержит', 'Строк'], [LABEL_STYLE, LABEL_STYLE, LABEL_STYLE]);
    for (const t of plan.tables) {
      add([t.name, `${t.description} — на момент ${t.readAtRender ? 'формирования отчёта' : 'подсчёта результатов'}`, t.stream?.count ?? t.rows.length]);
    }
    if (rawCount !== null) {
      add([RAW_SHEET, 'Все учтённые ответы анкеты, по одному на строку — на момент формирования отчёта', rawCount]);
    }
    if (plan.omitted.length) {
      add([]);
      add(['Не включены', 'Почему'], [LABEL_STYLE, LABEL_STYLE]);
      for (const o of plan.omitted) add([o.name, o.reason]);
    }
    ws.commit();
  }

  /**
   * A sheet written batch by batch as its rows are read (widths fitted to the first batch), its row XML handed to the
   * zip as fast as deflate takes it, so memory stays flat however many rows there are.
   */
  private async streamedSheet(
    wb: ExcelJS.stream.xlsx.WorkbookWriter,
    name: string,
    columns: TableColumn[],
    source: AsyncIterable<unknown[][]>,
    afterBatch: (rows: number) => Promise<void> = async () => undefined,
  ): Promise<void> {
    const batches = source[Symbol.asyncIterator]();
    let next = await batches.next();
    const sheet = new SheetTable(wb, name, columns, next.done ? [] : next.value.slice(0, 500));
    try {
      while (!next.done) {
        const batch = next.value;
        for (let i = 0; i < batch.length; i++) {
          sheet.add(batch[i]);
          if ((i + 1) % ROWS_PER_TURN === 0) await letZipCatchUp(zipInput(sheet.worksheet));
        }
        await letZipCatchUp(zipInput(sheet.worksheet));
        await afterBatch(batch.length);
        next = await batches.next();
      }
    } finally {
      // a failure mid-sheet ends the generator, whose own finally settles its read-ahead
      if (!next.done) await batches.return?.(undefined);
    }
    sheet.close();
  }
}

/** The raw sheet's columns: the profile (the time as a date cell), then one per question (a scale as a number). */
export function rawTableColumns(columns: readonly RawColumn[]): TableColumn[] {
  return [
    ...RAW_FIXED_HEADERS.map((header, i): TableColumn => ({ header, kind: i === RAW_TIME_COLUMN ? 'date' : 'text' })),
    ...columns.map((c): TableColumn => ({ header: c.header, kind: c.kind === 'scale' ? 'integer' : 'text' })),
  ];
}
