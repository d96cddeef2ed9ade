import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setImmediate } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { territoryKindLabel } from './report-labels';

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

/** One submitted score of a review, with its comment and the review's recommendation (by name) and general comment. */
export interface ReviewRow {
  assignment_id: string;
  document_id: string;
  document: string;
  expert: string;
  criterion: string;
  score: number;
  comment: string;
  recommendation: string | null;
  general_comment: string;
}

/** One counted response of a batch, its answers already reduced to positions by PostgreSQL. */
interface BatchRow {
  id: string;
  receipt: string;
  /** the instant in milliseconds since the epoch (no Date parsing per row) */
  at_ms: number;
  /** created_at as PostgreSQL prints it: microseconds kept (a JS Date keeps ms), so the keyset cursor is exact */
  cursor_at: string;
  territory: string;
  territory_kind: string;
  organization_type: string;
  position: string;
  organization: string | null;
  /**
   * [column, option, value, text] per answer: column and option are 1-based positions in the arrays the query was
   * given (option 0: an option not in the list, null: not a choice). One JSON value per response instead of one
   * row per answer: ~10 times fewer rows to parse.
   */
  answers: [number, number | null, number | null, string | null][] | null;
}

/**
 * Raw data for reports, read from PostgreSQL batch by batch (keyset pagination on (created_at, id) over the partial
 * index of counted responses), so a report of 100,000 responses never holds more than two batches in memory.
 */
@Injectable()
export class ReportDataService {
  static BATCH = 2_000;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async columns(campaignId: string): Promise<RawColumn[]> {
    const rows: { id: string; kind: string; text: string; document_title: string | null }[] = await this.dataSource.query(
      `SELECT q.id, q.kind, q.text, d.title AS document_title
         FROM questions q LEFT JOIN documents d ON d.id = q.document_id
        WHERE q.campaign_id = $1
        ORDER BY COALESCE(d.sort_order, -1), d.created_at NULLS FIRST, q.document_id NULLS FIRST, q.sort_order, q.created_at, q.id`,
      [campaignId],
    );
    return rows.map((r) => ({ questionId: r.id, kind: r.kind, header: r.document_title ? `${r.document_title}: ${r.text}` : r.text }));
  }

  async countIncluded(campaignId: string): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM responses WHERE campaign_id = $1 AND excluded = false`, [
      campaignId,
    ]);
    return row.n;
  }

  /**
   * Yields batches of flat rows in (created_at, id) order. The next batch is read while the caller renders the
   * current one, so PostgreSQL and the renderer work at the same time (at most two batches are in memory).
   */
  async *rawBatches(campaignId: string, columns: RawColumn[]): AsyncGenerator<RawRow[]> {
    const options: { id: string; question_id: string; text: string }[] = await this.dataSource.query(
      `SELECT o.id, o.question_id, o.text FROM question_options o JOIN questions q ON q.id = o.question_id
        WHERE q.campaign_id = $1 ORDER BY o.sort_order, o.id`,
      [campaignId],
    );
    const shape: RowShape = {
      options: options.map((o) => o.text),
      width: RAW_FIXED_HEADERS.length + columns.length,
    };
    const questionIds = columns.map((c) => c.questionId);
    const optionIds = options.map((o) => o.id);
    const read = (after: BatchRow | null) => this.batch(campaignId, after, questionIds, optionIds);
    let next = read(null);
    try {
      for (;;) {
        const rows = await next;
        if (!rows.length) return;
        next = read(rows[rows.length - 1]);
        // one turn of the event loop puts that query on the wire before the caller's synchronous rendering starts
        await setImmediate();
        yield toRawRows(rows, shape);
      }
    } finally {
      // a caller that stops early leaves the read ahead unawaited: its failure must not become an unhandled rejection
      next.catch(() => undefined);
    }
  }

  private batch(campaignId: string, after: BatchRow | null, questionIds: string[], optionIds: string[]): Promise<BatchRow[]> {
    return this.dataSource.query(
      `WITH b AS MATERIALIZED (
         SELECT r.id, r.receipt, r.created_at, r.territory_id, r.organization_type, r.position, r.organization_name, r.organization_id
           FROM responses r
          WHERE r.campaign_id = $1 AND r.excluded = false
            AND ($2::timestamptz IS NULL OR (r.created_at, r.id) > ($2::timestamptz, $3::uuid))
          ORDER BY r.created_at, r.id
          LIMIT ${ReportDataService.BATCH}),
       x AS (
         SELECT a.response_id,
                json_agg(json_build_array(c.i, CASE WHEN a.option_id IS NOT NULL THEN COALESCE(o.i, 0) END, a.value, a.text)) AS answers
           FROM b JOIN response_answers a ON a.response_id = b.id
           JOIN unnest($4::uuid[]) WITH ORDINALITY c(id, i) ON c.id = a.question_id
           LEFT JOIN unnest($5::uuid[]) WITH ORDINALITY o(id, i) ON o.id = a.option_id
          GROUP BY a.response_id)
       SELECT b.id, b.receipt, floor(extract(epoch FROM b.created_at) * 1000)::float8 AS at_ms,
              b.created_at::text AS cursor_at, t.name AS territory, t.kind AS territory_kind,
              COALESCE(ot.name, b.organization_type) AS organization_type, COALESCE(p.name, b.position) AS position,
              COALESCE(b.organization_name, og.name) AS organization, x.answers
         FROM b
         JOIN territories t ON t.id = b.territory_id
         LEFT JOIN organization_types ot ON ot.code = b.organization_type
         LEFT JOIN positions p ON p.code = b.position
         LEFT JOIN organizations og ON og.id = b.organization_id
         LEFT JOIN x ON x.response_id = b.id
        ORDER BY b.created_at, b.id`,
      [campaignId, after?.cursor_at ?? null, after?.id ?? null, questionIds, optionIds],
    );
  }

  /** Free-text answers of one question with territory and position (newest first), for the PDF. */
  async texts(questionId: string, limit: number): Promise<{ text: string; territory: string; position: string }[]> {
    return this.dataSource.query(
      `SELECT a.text, t.name AS territory, COALESCE(p.name, r.position) AS position
         FROM response_answers a JOIN responses r ON r.id = a.response_id
         JOIN territories t ON t.id = r.territory_id LEFT JOIN positions p ON p.code = r.position
        WHERE a.question_id = $1 AND a.text IS NOT NULL AND btrim(a.text) <> '' AND r.excluded = false
        ORDER BY r.created_at DESC, r.id LIMIT $2`,
      [questionId, limit],
    );
  }

  /** Every submitted review score with its comment, for the expertise sheets and the PDF. */
  async reviewRows(campaignId: string): Promise<ReviewRow[]> {
    return this.dataSource.query(
      `SELECT a.id AS assignment_id, a.document_id, d.title AS document, u.full_name AS expert, c.text AS criterion, s.score, s.comment,
              COALESCE(rec.name, a.recommendation) AS recommendation, a.general_comment
         FROM assignments a
         JOIN documents d ON d.id = a.document_id
         JOIN users u ON u.id = a.expert_id
         JOIN review_scores s ON s.assignment_id = a.id
         JOIN criteria c ON c.id = s.criterion_id
         LEFT JOIN recommendations rec ON rec.code = a.recommendation
        WHERE a.campaign_id = $1 AND a.status = 'submitted'
        ORDER BY d.sort_order, d.created_at, d.id, u.full_name, a.id, c.sort_order, c.id`,
      [campaignId],
    );
  }
}

interface RowShape {
  /** option texts in questionnaire order */
  options: string[];
  width: number;
}

/**
 * Flat rows of one batch. Runs once per response of a report (100,000s of times), so it allocates one array per row
 * and sorts only a multi-select's few chosen options.
 */
function toRawRows(batch: BatchRow[], shape: RowShape): RawRow[] {
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
    for (const [column, option, value, text] of r.answers ?? []) {
      const i = fixed + column - 1;
      if (option !== null) {
        chosen ??= new Map();
        const list = chosen.get(i);
        if (list) list.push(option);
        else chosen.set(i, [option]);
      } else if (value !== null) row[i] = value;
      else if (text !== null) row[i] = text;
    }
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
