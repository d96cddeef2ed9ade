import { Injectable } from '@nestjs/common';
import { setImmediate } from 'node:timers/promises';
import { ReportDataQueries, ResponseBatchRow, ReviewRow, TextAnswerRow } from './report-data.queries';
import { territoryKindLabel } from './report-labels';

export type { ReviewRow } from './report-data.queries';

export interface RawColumn {
  questionId: string;
  kind: string;
  header: string;
}

/**
 * One counted response as a flat row: the fixed profile columns, then one value per question column. The time
 * (RAW_TIME_COLUMN) is the instant in milliseconds: each renderer writes it its own way (a date cell, local or ISO text).
 */
export type RawRow = (string | number | null)[];

export const RAW_TIME_COLUMN = 1;

export const RAW_FIXED_HEADERS = [
  'Квитанция',
  'Дата и время',
  'Территория',
  'Тип территории',
  'Тип организации',
  'Должность',
  'Организация',
];

/**
 * Raw data for reports, read from PostgreSQL range by range ((created_at, id) ranges over the partial index of
 * counted responses), so a report of a million responses never holds more than a few batches in memory.
 */
@Injectable()
export class ReportDataService {
  static BATCH = 500;
  static READERS = 2;

  constructor(private readonly queries: ReportDataQueries) {}

  async columns(campaignId: string): Promise<RawColumn[]> {
    const rows = await this.queries.questionColumns(campaignId);
    return rows.map((r) => ({ questionId: r.id, kind: r.kind, header: r.document_title ? `${r.document_title}: ${r.text}` : r.text }));
  }

  countIncluded(campaignId: string): Promise<number> {
    return this.queries.countIncluded(campaignId);
  }

  /**
   * Yields batches of flat rows in (created_at, id) order. The responses are cut into ranges of BATCH first
   * (ReportDataQueries.rangeEnds); READERS ranges are read at once, each on a connection of its own, and yielded in
   * order, so PostgreSQL works on another core while the caller renders (at most READERS + 1 batches in memory).
   */
  async *rawBatches(campaignId: string, columns: RawColumn[]): AsyncGenerator<RawRow[]> {
    const options = await this.queries.options(campaignId);
    const shape: RowShape = {
      options: options.map((o) => o.text),
      width: RAW_FIXED_HEADERS.length + columns.length,
    };
    const questionIds = columns.map((c) => c.questionId);
    const optionIds = options.map((o) => o.id);
    const size = ReportDataService.BATCH;
    const ends = await this.queries.rangeEnds(campaignId, size);
    // range i: after the end of range i - 1 up to its own end; the last one open (responses stored since). One query
    // a range unless it grew since its ends were read (an exclusion taken back): then the rest after its last row.
    const read = async (i: number): Promise<ResponseBatchRow[]> => {
      const rows: ResponseBatchRow[] = [];
      let after = i > 0 ? ends[i - 1] : null;
      for (;;) {
        const got = await this.queries.responseBatch(campaignId, after, ends[i] ?? null, questionIds, optionIds, size + 1);
        rows.push(...got);
        if (got.length <= size) return rows;
        after = got[got.length - 1];
      }
    };
    const inflight: Promise<ResponseBatchRow[]>[] = [];
    let next = 0;
    try {
      while (next <= ends.length && inflight.length < ReportDataService.READERS) inflight.push(read(next++));
      while (inflight.length) {
        const rows = await inflight.shift()!;
        if (next <= ends.length) inflight.push(read(next++));
        // one turn of the event loop puts that query on the wire before the caller's synchronous rendering starts
        await setImmediate();
        if (rows.length) yield toRawRows(rows, shape);
      }
    } finally {
      // a caller that stops early leaves reads unawaited: their failures must not become unhandled rejections
      for (const p of inflight) p.catch(() => undefined);
    }
  }

  /** Free-text answers of one question with territory and position (newest first), for the PDF. */
  texts(questionId: string, limit: number): Promise<TextAnswerRow[]> {
    return this.queries.texts(questionId, limit);
  }

  /** Every submitted review score with its comment, for the expertise sheets and the PDF. */
  reviewRows(campaignId: string): Promise<ReviewRow[]> {
    return this.queries.reviewRows(campaignId);
  }
}

export interface RowShape {
  /** option texts in questionnaire order */
  options: string[];
  width: number;
}

/**
 * Flat rows of one batch. Runs once per response of a report (100,000s of times), so it allocates one array per row
 * and sorts only a multi-select's few chosen options.
 */
export function toRawRows(batch: ResponseBatchRow[], shape: RowShape): RawRow[] {
  const fixed = RAW_FIXED_HEADERS.length;
  return batch.map((r) => {
    const row: RawRow = new Array<string | number | null>(shape.width).fill(null);
    row[0] = r.receipt;
    row[RAW_TIME_COLUMN] = r.at_ms;
    row[2] = r.territory;
    row[3] = territoryKindLabel(r.territory_kind);
    row[4] = r.organization_type;
    row[5] = r.position;
    row[6] = r.organization;
    // chosen options per cell (option positions), joined once all answers are seen
    let chosen: Map<number, number[]> | undefined;
    const picks = r.picks;
    if (picks !== null) {
      // `column:option` or `column=value`, joined by `;` (ReportDataQueries.responseBatch): read digit by digit
      for (let at = 0; at < picks.length; at++) {
        let column = 0;
        let c = picks.charCodeAt(at);
        for (; c >= 48 && c <= 57; c = picks.charCodeAt(++at)) column = column * 10 + c - 48;
        const isOption = c === 58; // ':'
        const negative = picks.charCodeAt(++at) === 45; // '-'
        if (negative) at++;
        let n = 0;
        for (c = picks.charCodeAt(at); c >= 48 && c <= 57; c = picks.charCodeAt(++at)) n = n * 10 + c - 48;
        const i = fixed + column - 1;
        if (isOption) {
          chosen ??= new Map();
          const list = chosen.get(i);
          if (list) list.push(n);
          else chosen.set(i, [n]);
        } else row[i] = negative ? -n : n;
      }
    }
    for (const [column, text] of r.texts ?? []) row[fixed + column - 1] = text;
    // a multi-select's options in one cell, in questionnaire order
    if (chosen) {
      for (const [i, list] of chosen) {
        row[i] =
          list.length === 1
            ? optionText(shape, list[0])
            : list
                .sort((x, y) => x - y)
                .map((o) => optionText(shape, o))
                .join('; ');
      }
    }
    return row;
  });
}

const optionText = (shape: RowShape, position: number): string => (position > 0 ? shape.options[position - 1] : '');
