import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export const TERRITORY_KIND_LABELS: Readonly<Record<string, string>> = {
  urban_okrug: 'Городской округ',
  municipal_district: 'Муниципальный район',
};

export interface RawColumn {
  questionId: string;
  kind: string;
  header: string;
}

/** One counted response as a flat row: the fixed profile columns, then one value per question column. */
export type RawRow = (string | number | null)[];

export const RAW_FIXED_HEADERS = [
  'Квитанция',
  'Дата и время',
  'Территория',
  'Тип территории',
  'Тип организации',
  'Должность',
  'Организация',
];

interface ResponseRow {
  id: string;
  receipt: string;
  created_at: Date;
  /** created_at as PostgreSQL prints it: microseconds kept (a JS Date keeps ms), so the keyset cursor is exact */
  cursor_at: string;
  territory: string;
  territory_kind: string;
  organization_type: string;
  position: string;
  organization: string | null;
}

/**
 * Raw data for reports, read from PostgreSQL batch by batch (keyset pagination on (created_at, id) over the partial
 * index of counted responses), so a report of 100,000 responses never holds more than one batch in memory.
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

  /** Yields batches of flat rows in (created_at, id) order. */
  async *rawBatches(campaignId: string, columns: RawColumn[]): AsyncGenerator<RawRow[]> {
    const options: { id: string; question_id: string; text: string }[] = await this.dataSource.query(
      `SELECT o.id, o.question_id, o.text FROM question_options o JOIN questions q ON q.id = o.question_id
        WHERE q.campaign_id = $1 ORDER BY o.sort_order, o.id`,
      [campaignId],
    );
    const optionText = new Map(options.map((o) => [o.id, o.text]));
    const optionOrder = new Map(options.map((o, i) => [o.id, i]));
    const columnIndex = new Map(columns.map((c, i) => [c.questionId, i]));
    let after: { createdAt: string; id: string } | null = null;
    for (;;) {
      const batch: ResponseRow[] = await this.dataSource.query(
        `SELECT r.id, r.receipt, r.created_at, r.created_at::text AS cursor_at, t.name AS territory, t.kind AS territory_kind,
                COALESCE(ot.name, r.organization_type) AS organization_type, COALESCE(p.name, r.position) AS position,
                COALESCE(r.organization_name, o.name) AS organization
           FROM responses r
           JOIN territories t ON t.id = r.territory_id
           LEFT JOIN organization_types ot ON ot.code = r.organization_type
           LEFT JOIN positions p ON p.code = r.position
           LEFT JOIN organizations o ON o.id = r.organization_id
          WHERE r.campaign_id = $1 AND r.excluded = false
            AND ($2::timestamptz IS NULL OR (r.created_at, r.id) > ($2::timestamptz, $3::uuid))
          ORDER BY r.created_at, r.id
          LIMIT ${ReportDataService.BATCH}`,
        [campaignId, after?.createdAt ?? null, after?.id ?? null],
      );
      if (!batch.length) return;
      const answers: { response_id: string; question_id: string; option_id: string | null; value: number | null; text: string | null }[] =
        await this.dataSource.query(
          `SELECT response_id, question_id, option_id, value, text FROM response_answers WHERE response_id = ANY($1::uuid[])`,
          [batch.map((r) => r.id)],
        );
      const byResponse = new Map<string, typeof answers>();
      for (const a of answers) {
        const list = byResponse.get(a.response_id);
        if (list) list.push(a);
        else byResponse.set(a.response_id, [a]);
      }
      yield batch.map((r) => {
        const cells: (string | number | null)[] = new Array<string | number | null>(columns.length).fill(null);
        const chosen = new Map<number, string[]>();
        const own = (byResponse.get(r.id) ?? []).sort(
          (x, y) => (optionOrder.get(x.option_id ?? '') ?? 0) - (optionOrder.get(y.option_id ?? '') ?? 0),
        );
        for (const a of own) {
          const i = columnIndex.get(a.question_id);
          if (i === undefined) continue;
          if (a.option_id) chosen.set(i, [...(chosen.get(i) ?? []), optionText.get(a.option_id) ?? '']);
          else if (a.value !== null) cells[i] = a.value;
          else if (a.text !== null) cells[i] = a.text;
        }
        // a multi-select's options in one cell, in questionnaire order
        for (const [i, texts] of chosen) cells[i] = texts.join('; ');
        return [
          r.receipt,
          new Date(r.created_at).toISOString(),
          r.territory,
          TERRITORY_KIND_LABELS[r.territory_kind] ?? r.territory_kind,
          r.organization_type,
          r.position,
          r.organization,
          ...cells,
        ];
      });
      const last = batch[batch.length - 1];
      after = { createdAt: last.cursor_at, id: last.id };
    }
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
  async reviewRows(campaignId: string): Promise<
    {
      assignment_id: string;
      document_id: string;
      document: string;
      expert: string;
      criterion: string;
      score: number;
      comment: string;
      recommendation: string | null;
      general_comment: string;
    }[]
  > {
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
