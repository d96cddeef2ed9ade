import { Injectable } from '@nestjs/common';
import { FileHandle, open } from 'node:fs/promises';
import { formatLocalDateTime } from '../../common/display-time-zone';
import { neutralizeCell } from '../cell-safety';
import { RAW_FIXED_HEADERS, RAW_TIME_COLUMN, ReportDataService } from '../report-data.service';
import { recommendationLabel } from '../report-labels';
import { CsvDialect } from '../report-status';
import { includesDiscussion, RenderContext } from './render-context';
import { Utf8Chunks } from './utf8-chunks';

export interface DialectRules {
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
 * One record, byte for byte as csv-stringify wrote it before (RFC 4180 quoting): a number through the dialect,
 * every text neutralised (cell-safety.ts), quoted with inner quotes doubled when it holds the delimiter, a double
 * quote, CR or LF; null as nothing. Written by hand: at a million rows the stream's per-record machinery, its
 * Buffers and their garbage collection were about half the report's CPU (report-render.spec.ts compares the file
 * with csv-stringify's output).
 */
export function csvRecord(row: readonly unknown[], rules: DialectRules): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += rules.delimiter;
    const v = row[i];
    if (v === null || v === undefined) continue;
    const text = typeof v === 'number' ? rules.number(v) : (neutralizeCell(String(v)) as string);
    line +=
      text.includes(rules.delimiter) || text.includes('"') || text.includes('\r') || text.includes('\n')
        ? `"${text.replaceAll('"', '""')}"`
        : text;
  }
  return line + '\r\n';
}

/**
 * CSV of raw rows, written batch by batch: each record is encoded into megabyte chunks as soon as it is made, and the
 * chunks are written with the file's own handle after each batch. Discussion and full reports: one row per counted
 * response. Expertise: one row per submitted score.
 */
@Injectable()
export class CsvRenderer {
  constructor(private readonly data: ReportDataService) {}

  async render(ctx: RenderContext): Promise<void> {
    const rules = CSV_DIALECTS[ctx.csvDialect ?? CsvDialect.ExcelRu];
    const file = await open(ctx.path, 'w');
    try {
      const out = new ChunkedFile(file);
      if (rules.bom) out.put('\uFEFF');
      if (includesDiscussion(ctx.kind)) {
        const columns = await this.data.columns(ctx.campaignId);
        const total = Math.max(1, await this.data.countIncluded(ctx.campaignId));
        out.put(csvRecord([...RAW_FIXED_HEADERS, ...columns.map((c) => c.header)], rules));
        let written = 0;
        for await (const batch of this.data.rawBatches(ctx.campaignId, columns)) {
          for (const row of batch) {
            row[RAW_TIME_COLUMN] = rules.time(row[RAW_TIME_COLUMN] as number);
            out.put(csvRecord(row, rules));
          }
          await out.flush();
          written += batch.length;
          await ctx.progress(Math.floor((written / total) * 95));
        }
      } else {
        out.put(csvRecord(['Документ', 'Эксперт', 'Критерий', 'Оценка', 'Комментарий', 'Рекомендация', 'Общий комментарий'], rules));
        for (const r of await this.data.reviewRows(ctx.campaignId)) {
          out.put(
            csvRecord(
              [r.document, r.expert, r.criterion, r.score, r.comment, recommendationLabel(r.recommendation), r.general_comment],
              rules,
            ),
          );
        }
      }
      await out.flush(true);
    } finally {
      await file.close();
    }
  }
}

/** Records encoded as they are put (utf8-chunks.ts), the chunks filled written out with the file's own handle. */
class ChunkedFile {
  private readonly chunks = new Utf8Chunks();

  constructor(private readonly file: FileHandle) {}

  put(text: string): void {
    this.chunks.put(text);
  }

  async flush(all = false): Promise<void> {
    for (const buf of this.chunks.take(all)) {
      for (let at = 0; at < buf.length;) at += (await this.file.write(buf, at, buf.length - at)).bytesWritten;
    }
  }
}
