import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** One question of a campaign with its document's title, in report column order. */
export interface QuestionColumnRow {
  id: string;
  kind: string;
  text: string;
  document_title: string | null;
}

export interface ReportOptionRow {
  id: string;
  question_id: string;
  text: string;
}

/** One counted response of a batch, its answers already reduced to positions by PostgreSQL. */
export interface ResponseBatchRow {
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
   * The response's choices and scale values as `column:option` (option: its 1-based position in the options given,
   * 0 for one not among them) and `column=value`, joined by `;` (column: the 1-based position in the questions
   * given); null when there is none. Digits and two signs, read without a string or an array made per answer.
   */
  picks: string | null;
  /** [column, text] per free-text answer, or null when there is none. */
  texts: [number, string][] | null;
}

/** Where a batch starts: the last row of the previous one. */
export interface BatchCursor {
  cursor_at: string;
  id: string;
}

export interface TextAnswerRow {
  text: string;
  territory: string;
  position: string;
}

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

export interface FinalReportCampaignRow {
  id: string;
  title: string;
  report_recipients: string[];
}

/** The part of a results snapshot the final report's email quotes (ResultsData, read as stored). */
export interface SnapshotFiguresRow {
  data: {
    discussion?: { respondents?: number; territories?: { covered?: number; total?: number; percent?: number } };
    expertise?: { experts?: number };
  } | null;
}

/**
 * The reports' read model: reports render every table a campaign's figures come from (questions, responses and
 * answers, reviews, reference names), and the final report's email reads its campaign, the organizers, the emails
 * already queued and the snapshot. These are the only statements of `reports` outside `reports.repository.ts`;
 * docs/architecture.md names this file as a declared read model.
 */
@Injectable()
export class ReportDataQueries {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  questionColumns(campaignId: string): Promise<QuestionColumnRow[]> {
    return this.dataSource.query(
      `SELECT q.id, q.kind, q.text, d.title AS document_title
         FROM questions q LEFT JOIN documents d ON d.id = q.document_id
        WHERE q.campaign_id = $1
        ORDER BY COALESCE(d.sort_order, -1), d.created_at NULLS FIRST, q.document_id NULLS FIRST, q.sort_order, q.created_at, q.id`,
      [campaignId],
    );
  }

  async countIncluded(campaignId: string): Promise<number> {
    const [row]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM responses WHERE campaign_id = $1 AND excluded = false`,
      [campaignId],
    );
    return row.n;
  }

  options(campaignId: string): Promise<ReportOptionRow[]> {
    return this.dataSource.query(
      `SELECT o.id, o.question_id, o.text FROM question_options o JOIN questions q ON q.id = o.question_id
        WHERE q.campaign_id = $1 ORDER BY o.sort_order, o.id`,
      [campaignId],
    );
  }

  /**
   * Up to `limit` counted responses after `after` (and up to `upTo`, when given) in (created_at, id) order, over the
   * partial index of counted ones.
   */
  responseBatch(
    campaignId: string,
    after: BatchCursor | null,
    upTo: BatchCursor | null,
    questionIds: string[],
    optionIds: string[],
    limit: number,
  ): Promise<ResponseBatchRow[]> {
    return this.dataSource.query(
      // each response's answers gathered over their own index range (no sort and regrouping of every answer row of
      // the batch), positions looked up in the two arrays: ~30 % less of PostgreSQL's time per batch; choices and
      // values as a string of digits (−17 % of PostgreSQL's time against one JSON value for every answer, and no
      // JSON arrays to parse and collect in the worker)
      `WITH b AS MATERIALIZED (
         SELECT r.id, r.receipt, r.created_at, r.territory_id, r.organization_type, r.position, r.organization_name, r.organization_id
           FROM responses r
          WHERE r.campaign_id = $1 AND r.excluded = false
            AND ($2::timestamptz IS NULL OR (r.created_at, r.id) > ($2::timestamptz, $3::uuid))
            AND ($6::timestamptz IS NULL OR (r.created_at, r.id) <= ($6::timestamptz, $7::uuid))
          ORDER BY r.created_at, r.id
          LIMIT ${limit})
       SELECT b.id, b.receipt, floor(extract(epoch FROM b.created_at) * 1000)::float8 AS at_ms,
              b.created_at::text AS cursor_at, t.name AS territory, t.kind AS territory_kind,
              COALESCE(ot.name, b.organization_type) AS organization_type, COALESCE(p.name, b.position) AS position,
              COALESCE(b.organization_name, og.name) AS organization, x.picks, x.texts
         FROM b
         JOIN territories t ON t.id = b.territory_id
         LEFT JOIN organization_types ot ON ot.code = b.organization_type
         LEFT JOIN positions p ON p.code = b.position
         LEFT JOIN organizations og ON og.id = b.organization_id
         LEFT JOIN LATERAL (
           SELECT string_agg(array_position($4::uuid[], a.question_id)::text ||
                               CASE WHEN a.option_id IS NOT NULL THEN ':' || COALESCE(array_position($5::uuid[], a.option_id), 0)::text
                                    ELSE '=' || a.value::text END, ';')
                    FILTER (WHERE a.option_id IS NOT NULL OR a.value IS NOT NULL) AS picks,
                  json_agg(json_build_array(array_position($4::uuid[], a.question_id), a.text))
                    FILTER (WHERE a.option_id IS NULL AND a.value IS NULL AND a.text IS NOT NULL) AS texts
             FROM response_answers a WHERE a.response_id = b.id AND a.question_id = ANY ($4::uuid[])) x ON true
        ORDER BY b.created_at, b.id`,
      [campaignId, after?.cursor_at ?? null, after?.id ?? null, questionIds, optionIds, upTo?.cursor_at ?? null, upTo?.id ?? null],
    );
  }

  /**
   * Cursors splitting a campaign's counted responses in (created_at, id) order into ranges of `size`: the last
   * response of each full range (one pass over the index of counted responses: ~0.5 s at a million). Lets several
   * ranges be read at once and rendered in order.
   */
  rangeEnds(campaignId: string, size: number): Promise<BatchCursor[]> {
    return this.dataSource.query(
      `SELECT cursor_at, id FROM (
         SELECT created_at::text AS cursor_at, id, row_number() OVER (ORDER BY created_at, id) AS n
           FROM responses WHERE campaign_id = $1 AND excluded = false) s
        WHERE n % $2 = 0 ORDER BY n`,
      [campaignId, size],
    );
  }

  /**
   * Free-text answers of one question with territory and position, newest first ((created_at DESC, id) as
   * always). Walks the campaign's counted responses newest first (their index, backwards) and probes each one's
   * answers, so it stops after a few hundred probes instead of joining every text answer of the question (~0.6 s
   * at a million responses); the responses stored in the same instant as the last one taken are all considered,
   * so the order within that instant is the same as a full sort's.
   */
  texts(questionId: string, limit: number): Promise<TextAnswerRow[]> {
    const answerOf = (r: string) =>
      `CROSS JOIN LATERAL (SELECT a.id, a.text FROM response_answers a
                            WHERE a.response_id = ${r}.id AND a.question_id = $1 AND a.text IS NOT NULL AND btrim(a.text) <> '') a`;
    return this.dataSource.query(
      `WITH c AS (SELECT campaign_id FROM questions WHERE id = $1),
       walk AS (
         SELECT r.id, r.created_at, r.territory_id, r.position, a.id AS answer_id, a.text
           FROM responses r ${answerOf('r')}
          WHERE r.campaign_id = (SELECT campaign_id FROM c) AND r.excluded = false
          ORDER BY r.created_at DESC, r.id DESC LIMIT $2),
       edge AS (
         SELECT r.id, r.created_at, r.territory_id, r.position, a.id AS answer_id, a.text
           FROM responses r ${answerOf('r')}
          WHERE r.campaign_id = (SELECT campaign_id FROM c) AND r.excluded = false
            AND r.created_at = (SELECT min(created_at) FROM walk) AND (SELECT count(*) FROM walk) = $2)
       SELECT x.text, t.name AS territory, COALESCE(p.name, x.position) AS position
         FROM (SELECT * FROM walk UNION SELECT * FROM edge) x
         JOIN territories t ON t.id = x.territory_id LEFT JOIN positions p ON p.code = x.position
        ORDER BY x.created_at DESC, x.id, x.answer_id LIMIT $2`,
      [questionId, limit],
    );
  }

  /** Every submitted review score with its comment. */
  reviewRows(campaignId: string): Promise<ReviewRow[]> {
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

  async finalReportCampaign(m: EntityManager, campaignId: string): Promise<FinalReportCampaignRow | null> {
    const [campaign]: FinalReportCampaignRow[] = await m.query(`SELECT id, title, report_recipients FROM campaigns WHERE id = $1`, [
      campaignId,
    ]);
    return campaign ?? null;
  }

  /** Addresses of the active organizers, who get every final report. */
  async organizerEmails(m: EntityManager): Promise<string[]> {
    const organizers: { email: string }[] = await m.query(`SELECT email FROM users WHERE role = 'organizer' AND active ORDER BY email`);
    return organizers.map((o) => o.email);
  }

  /** Lower-cased addresses a template's email about this report was already queued to. */
  async mailedAddresses(m: EntityManager, template: string, reportId: string): Promise<string[]> {
    const already: { to_address: string }[] = await m.query(
      `SELECT lower(to_address) AS to_address FROM mail_messages WHERE template = $1 AND context->>'reportId' = $2`,
      [template, reportId],
    );
    return already.map((a) => a.to_address);
  }

  async snapshotFigures(m: EntityManager, snapshotId: string | null): Promise<SnapshotFiguresRow | null> {
    const [snapshot]: SnapshotFiguresRow[] = await m.query(`SELECT data FROM results_snapshots WHERE id = $1`, [snapshotId]);
    return snapshot ?? null;
  }
}
