import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { neutralizeRow } from '../cell-safety';
import { RAW_FIXED_HEADERS, ReportDataService, TERRITORY_KIND_LABELS } from '../report-data.service';
import { documentTitle, includesDiscussion, includesExpertise, KIND_TITLES, RenderContext } from './render-context';

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

/**
 * XLSX with exceljs's streaming WorkbookWriter: rows are committed to the file as they are written (no shared
 * strings, no styles: shared strings would keep every distinct text in memory), so memory stays flat however many
 * raw rows there are.
 */
@Injectable()
export class XlsxRenderer {
  constructor(private readonly data: ReportDataService) {}

  async render(ctx: RenderContext): Promise<void> {
    const { snapshot } = ctx;
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: ctx.path,
      useStyles: false,
      useSharedStrings: false,
      // fast deflate: the zip keeps up with the rows, so they do not pile up in memory waiting to be compressed
      zip: { zlib: { level: 1 } },
    } as ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookWriter>[0]);
    const sheet = (name: string, header: string[], rows: unknown[][]) => {
      const ws = wb.addWorksheet(name);
      ws.addRow(neutralizeRow(header)).commit();
      for (const r of rows) ws.addRow(neutralizeRow(r)).commit();
      ws.commit();
    };
    const d = snapshot.discussion;
    const e = snapshot.expertise;
    const summary: unknown[][] = [
      ['Кампания', snapshot.title],
      ['Отчёт', KIND_TITLES[ctx.kind]],
      ['Результаты подсчитаны', snapshot.computedAt],
    ];
    if (includesDiscussion(ctx.kind)) {
      summary.push(
        ['Респондентов', d.respondents],
        ['Территорий охвачено', d.territories.covered],
        ['Территорий всего (активных)', d.territories.total],
      );
      summary.push(['Охват территорий, %', d.territories.percent]);
    }
    if (includesExpertise(ctx.kind)) {
      summary.push(
        ['Экспертов', e.experts],
        ['Территорий экспертов', e.territories.covered],
        ['Охват территорий экспертами, %', e.territories.percent],
      );
    }
    sheet('Сводка', ['Показатель', 'Значение'], summary);

    if (includesDiscussion(ctx.kind)) {
      sheet(
        'Территории',
        ['Территория', 'Тип территории', 'Респондентов', 'Доля респондентов, %'],
        d.territories.byTerritory.map((t) => [t.name, TERRITORY_KIND_LABELS[t.kind] ?? t.kind, t.respondents, t.percent]),
      );
      const qrows: unknown[][] = [];
      for (const q of d.questions) {
        const doc = documentTitle(snapshot, q.documentId);
        for (const o of q.options ?? []) qrows.push([doc, q.text, q.kind, q.answered, o.text, o.count, o.percent]);
        if (q.scale) {
          for (const s of q.scale.distribution) qrows.push([doc, q.text, q.kind, q.answered, String(s.value), s.count, null]);
          qrows.push([doc, q.text, q.kind, q.answered, 'Среднее', q.scale.mean, null]);
          qrows.push([doc, q.text, q.kind, q.answered, 'Медиана', q.scale.median, null]);
        }
        if (q.texts) qrows.push([doc, q.text, q.kind, q.answered, 'Свободных ответов', q.texts.count, null]);
      }
      sheet('Вопросы', ['Документ', 'Вопрос', 'Тип', 'Ответили', 'Вариант', 'Количество', '% ответивших'], qrows);
    }
    await ctx.progress(5);

    if (includesExpertise(ctx.kind)) {
      const erows: unknown[][] = [];
      for (const doc of e.documents) {
        for (const c of doc.criteria) {
          erows.push([doc.title, doc.reviews, doc.alpha, c.text, c.mean, c.fullyPercent, ...c.distribution.map((x) => x.count)]);
        }
      }
      const scores = e.documents[0]?.criteria[0]?.distribution.map((x) => `Оценка ${x.score}`) ?? [];
      sheet('Экспертиза', ['Документ', 'Экспертиз', 'Альфа Криппендорфа', 'Критерий', 'Средний балл', '% «полностью»', ...scores], erows);
      sheet(
        'Рекомендации',
        ['Документ', 'Рекомендация', 'Экспертов'],
        e.documents.flatMap((doc) => doc.recommendations.map((r) => [doc.title, r.name, r.count])),
      );
      sheet(
        'Расхождения',
        ['Документ', 'Эксперт', 'Среднее отклонение от других'],
        e.documents.flatMap((doc) => doc.farExperts.map((f) => [doc.title, f.fullName, f.deviation])),
      );
      const reviews = await this.data.reviewRows(ctx.campaignId);
      sheet(
        'Оценки экспертов',
        ['Документ', 'Эксперт', 'Критерий', 'Оценка', 'Комментарий', 'Рекомендация', 'Общий комментарий'],
        reviews.map((r) => [r.document, r.expert, r.criterion, r.score, r.comment, r.recommendation, r.general_comment]),
      );
    }
    await ctx.progress(10);

    if (includesDiscussion(ctx.kind)) {
      const columns = await this.data.columns(ctx.campaignId);
      const total = Math.max(1, await this.data.countIncluded(ctx.campaignId));
      const ws = wb.addWorksheet('Ответы');
      ws.addRow(neutralizeRow([...RAW_FIXED_HEADERS, ...columns.map((c) => c.header)])).commit();
      let written = 0;
      for await (const batch of this.data.rawBatches(ctx.campaignId, columns)) {
        for (let i = 0; i < batch.length; i++) {
          ws.addRow(neutralizeRow(batch[i])).commit();
          if ((i + 1) % ROWS_PER_TURN === 0) await letZipCatchUp(zipInput(ws));
        }
        written += batch.length;
        await letZipCatchUp(zipInput(ws));
        await ctx.progress(10 + Math.floor((written / total) * 85));
      }
      ws.commit();
    }
    await wb.commit();
  }
}
