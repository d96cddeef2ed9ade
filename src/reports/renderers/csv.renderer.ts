import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { neutralizeRow } from '../cell-safety';
import { RAW_FIXED_HEADERS, ReportDataService } from '../report-data.service';
import { includesDiscussion, RenderContext } from './render-context';

/**
 * CSV of raw rows, UTF-8 with a BOM (so Excel opens Cyrillic), streamed batch by batch with backpressure.
 * Discussion and full reports: one row per counted response. Expertise: one row per submitted score.
 */
@Injectable()
export class CsvRenderer {
  constructor(private readonly data: ReportDataService) {}

  async render(ctx: RenderContext): Promise<void> {
    const out = createWriteStream(ctx.path);
    out.write('\uFEFF');
    const csv = stringify({ record_delimiter: '\r\n' });
    csv.pipe(out);
    const write = async (row: unknown[]) => {
      if (!csv.write(neutralizeRow(row))) await once(csv, 'drain');
    };
    if (includesDiscussion(ctx.kind)) {
      const columns = await this.data.columns(ctx.campaignId);
      const total = Math.max(1, await this.data.countIncluded(ctx.campaignId));
      await write([...RAW_FIXED_HEADERS, ...columns.map((c) => c.header)]);
      let written = 0;
      for await (const batch of this.data.rawBatches(ctx.campaignId, columns)) {
        for (const row of batch) await write(row);
        written += batch.length;
        await ctx.progress(Math.floor((written / total) * 95));
      }
    } else {
      await write(['Документ', 'Эксперт', 'Критерий', 'Оценка', 'Комментарий', 'Рекомендация', 'Общий комментарий']);
      for (const r of await this.data.reviewRows(ctx.campaignId)) {
        await write([r.document, r.expert, r.criterion, r.score, r.comment, r.recommendation, r.general_comment]);
      }
    }
    csv.end();
    await finished(out);
  }
}
