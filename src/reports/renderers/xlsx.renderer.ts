import { Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { neutralizeRow } from '../cell-safety';
import { RAW_FIXED_HEADERS, ReportDataService, TERRITORY_KIND_LABELS } from '../report-data.service';
import { documentTitle, includesDiscussion, includesExpertise, KIND_TITLES, RenderContext } from './render-context';

/** Buffers waiting for the zip's deflate, above which the raw rows wait (exceljs's row commit has no backpressure). */
const PENDING_BUFFERS_LIMIT = 32 * 1024 * 1024;

/**
 * exceljs hands committed rows to its zip stream without backpressure, so rows produced faster than deflate compresses
 * them pile up as Buffers. Waiting between batches while those buffers are above a limit keeps memory flat (bounded
 * wait, so a busy process cannot stall the report).
 */
async function compressorCaughtUp(maxWaitMs = 5_000): Promise<void> {
  const end = Date.now() + maxWaitMs;
  while (process.memoryUsage().arrayBuffers > PENDING_BUFFERS_LIMIT && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * XLSX with exceljs's streaming WorkbookWriter: rows are committed to the file as they are written (no shared
 * strings, no styles), so memory stays flat however many raw rows there are.
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
        for (const row of batch) ws.addRow(neutralizeRow(row)).commit();
        written += batch.length;
        await compressorCaughtUp();
        await ctx.progress(10 + Math.floor((written / total) * 85));
      }
      ws.commit();
    }
    await wb.commit();
  }
}
