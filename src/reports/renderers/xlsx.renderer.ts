import { Injectable } from '@nestjs/common';
import { wallClockDate, zoneOffsetMs } from '../../common/display-time-zone';
import { RAW_FIXED_HEADERS, RAW_TIME_COLUMN, RawColumn, ReportDataService } from '../report-data.service';
import { stageLabel } from '../report-labels';
import { ProposalsSummaryService } from '../../proposals/proposals-summary.service';
import { includesDiscussion, includesExpertise, includesProposals, KIND_TITLES, RenderContext } from './render-context';
import { RAW_SHEET, SheetPlan, summarySheets } from './xlsx-sheets';
import { addTable, addTableSheet, TableColumn } from './xlsx-table';
import { CellFormat, SheetXml, Xf, XlsxWriter } from './xlsx-writer';

/** A Date cell reads as the display zone's wall clock; the contents sheet says which offset that is. */
function utcOffsetText(instantMs: number): string {
  const minutes = Math.round(zoneOffsetMs(instantMs) / 60_000);
  const sign = minutes < 0 ? '−' : '+';
  const h = Math.floor(Math.abs(minutes) / 60);
  const m = Math.abs(minutes) % 60;
  return `UTC${sign}${h}${m ? `:${String(m).padStart(2, '0')}` : ''}`;
}

/**
 * The report's XLSX, streamed sheet by sheet through XlsxWriter (xlsx-writer.ts): each row is written as it is read,
 * so memory stays flat however many raw rows there are. Styles: the header, date, number and percent formats.
 * Sheets: «Содержание» first, then the summary sheets (xlsx-sheets.ts, with «Сводка предложений» in a full report),
 * then the raw answers.
 */
@Injectable()
export class XlsxRenderer {
  constructor(
    private readonly data: ReportDataService,
    private readonly proposals: ProposalsSummaryService,
  ) {}

  async render(ctx: RenderContext): Promise<void> {
    const reviews = includesExpertise(ctx.kind) ? await this.data.reviewRows(ctx.campaignId) : [];
    const proposals = includesProposals(ctx.kind) ? await this.proposals.reportData(ctx.campaignId) : null;
    const plan = summarySheets(ctx.kind, ctx.snapshot, reviews, proposals);
    let raw: { columns: RawColumn[]; count: number } | null = null;
    if (includesDiscussion(ctx.kind)) {
      const [columns, count] = await Promise.all([this.data.columns(ctx.campaignId), this.data.countIncluded(ctx.campaignId)]);
      raw = { columns, count };
      if (!count) plan.omitted.push({ name: RAW_SHEET, reason: 'нет ни одного учтённого ответа' });
    }
    const wb = new XlsxWriter(ctx.path);
    wb.addSheet('Содержание', false, (xml) => contentsSheet(xml, ctx, plan, raw?.count ? raw.count : null));
    // progress by rows written: the streamed sheets («Сводка предложений» of a full report, «Ответы») are nearly all
    // of the work, up to a million rows each
    const total = Math.max(1, plan.tables.reduce((n, t) => n + (t.stream?.count ?? 0), 0) + (raw?.count ?? 0));
    let written = 0;
    const advance = async (rows: number) => {
      written += rows;
      await ctx.progress(Math.min(95, 5 + Math.floor((written / total) * 90)));
    };
    for (const table of plan.tables) {
      if (table.stream) addTableSheet(wb, table.name, table.columns, table.stream.batches(), advance);
      else addTable(wb, table);
    }
    if (raw?.count) {
      const { columns } = raw;
      addTableSheet(wb, RAW_SHEET, rawTableColumns(columns), this.data.rawBatches(ctx.campaignId, columns), advance);
    }
    await advance(0);
    await wb.close();
  }
}

const LABEL: CellFormat = { xf: Xf.Label };
const DATE: CellFormat = { xf: Xf.Date };
const PLAIN: CellFormat = { xf: Xf.Plain };

/** «Содержание»: what each sheet holds, for which moment, and which sheets are left out and why. */
function* contentsSheet(xml: SheetXml, ctx: RenderContext, plan: SheetPlan, rawCount: number | null): Generator<void> {
  const { snapshot } = ctx;
  xml.begin([26, 100, 12]);
  const add = (values: unknown[], formats: CellFormat[] = []) => xml.row(values, formats.length ? formats : [PLAIN]);
  const computed = Date.parse(snapshot.computedAt);
  add([KIND_TITLES[ctx.kind]], [{ xf: Xf.Title }]);
  add(['Кампания', snapshot.title], [LABEL]);
  add(['Этап кампании', stageLabel(snapshot.stage)], [LABEL]);
  add(['Результаты подсчитаны', wallClockDate(computed)], [LABEL, DATE]);
  add(['Отчёт сформирован', wallClockDate(Date.now())], [LABEL, DATE]);
  add(['Время', `местное (${utcOffsetText(computed)}), во всех листах`], [LABEL]);
  add([]);
  add(['Лист', 'Что содержит', 'Строк'], [LABEL, LABEL, LABEL]);
  for (const t of plan.tables) {
    add([
      t.name,
      `${t.description} — на момент ${t.readAtRender ? 'формирования отчёта' : 'подсчёта результатов'}`,
      t.stream?.count ?? t.rows.length,
    ]);
  }
  if (rawCount !== null) {
    add([RAW_SHEET, 'Все учтённые ответы анкеты, по одному на строку — на момент формирования отчёта', rawCount]);
  }
  if (plan.omitted.length) {
    add([]);
    add(['Не включены', 'Почему'], [LABEL, LABEL]);
    for (const o of plan.omitted) add([o.name, o.reason]);
  }
}

/** The raw sheet's columns: the profile (the time as a date cell), then one per question (a scale as a number). */
export function rawTableColumns(columns: readonly RawColumn[]): TableColumn[] {
  return [
    ...RAW_FIXED_HEADERS.map((header, i): TableColumn => ({ header, kind: i === RAW_TIME_COLUMN ? 'date' : 'text' })),
    ...columns.map((c): TableColumn => ({ header: c.header, kind: c.kind === 'scale' ? 'integer' : 'text' })),
  ];
}
