import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { formatLocalDateTime } from '../../common/display-time-zone';
import { neutralizeCell } from '../cell-safety';
import { RAW_FIXED_HEADERS, RAW_TIME_COLUMN, ReportDataService } from '../report-data.service';
import { recommendationLabel } from '../report-labels';
import { CsvDialect } from '../report-status';
import { includesDiscussion, RenderContext } from './render-context';

interface DialectRules {
  bom: boolean;
  delimiter: string;
  time(ms: number): string;
  number(n: number): string;
}

/**
 * excel-ru: what Russian-locale Excel opens by double click into the right columns (its list separator is `;`, its
 * decimal mark a comma, it reads `ДД.ММ.ГГГГ ЧЧ:ММ` as a date and needs the BOM to take the file as UTF-8).
 * rfc4180: for tools — comma, no BOM, decimal point, ISO 8601 instants in UTC. Both quote as RFC 4180 does and end
 * records with CRLF.
 */
export const CSV_DIALECTS: Readonly<Record<CsvDialect, DialectRules>> = {
  [CsvDialect.ExcelRu]: {
    bom: true,
    delimiter: ';',
    time: formatLocalDateTime,
    number: (n) => String(n).replace('.', ','),
  },
  [CsvDialect.Rfc4180]: {
    bom: false,
    delimiter: ',',
    time: (ms) => new Date(ms).toISOString(),
    number: (n) => String(n),
  },
};

/**
 * CSV of raw rows, streamed batch by batch with backpressure. Discussion and full reports: one row per counted
 * response. Expertise: one row per submitted score.
 */
@Injectable()
export class CsvRenderer {
  constructor(private readonly data: ReportDataService) {}

  async render(ctx: RenderContext): Promise<void> {
    const rules = CSV_DIALECTS[ctx.csvDialect ?? CsvDialect.ExcelRu];
    const out = createWriteStream(ctx.path);
    if (rules.bom) out.write('\uFEFF');
    const csv = stringify({ delimiter: rules.delimiter, record_delimiter: '\r\n' });
    csv.pipe(out);
    const cell = (v: unknown) => (typeof v === 'number' ? rules.number(v) : neutralizeCell(v));
    const write = async (row: readonly unknown[]) => {
      if (!csv.write(row.map(cell))) await once(csv, 'drain');
    };
    if (includesDiscussion(ctx.kind)) {
      const columns = await this.data.columns(ctx.campaignId);
      const total = Math.max(1, await this.data.countIncluded(ctx.campaignId));
      await write([...RAW_FIXED_HEADERS, ...columns.map((c) => c.header)]);
      let written = 0;
      for await (const batch of this.data.rawBatches(ctx.campaignId, columns)) {
        for (const row of batch) {
          row[RAW_TIME_COLUMN] = rules.time(row[RAW_TIME_COLUMN] as number);
          await write(row);
        }
        written += batch.length;
        await ctx.progress(Math.floor((written / total) * 95));
      }
    } else {
      await write(['Документ', 'Эксперт', 'Критерий', 'Оценка', 'Комментарий', 'Рекомендация', 'Общий комментарий']);
      for (const r of await this.data.reviewRows(ctx.campaignId)) {
        await write([r.document, r.expert, r.criterion, r.score, r.comment, recommendationLabel(r.recommendation), r.general_comment]);
      }
    }
    csv.end();
    await finished(out);
  }
}
