import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface AnswerFilter {
  documentId: string | null;
  questionId: string | null;
  territoryId: string | null;
  position: string | null;
  /** ILIKE pattern, wildcards of the user's text already escaped */
  pattern: string | null;
}

export interface FreeTextRow {
  id: string;
  text: string;
  created_at: Date;
  question_text: string;
  document_title: string | null;
  territory_name: string;
  territory_kind: string;
  position_name: string;
}

/** `\`, `%` and `_` of the user's text taken literally in `ILIKE … ESCAPE '\'`. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const FILTER = `q.campaign_id = $1 AND q.kind = 'text' AND a.text IS NOT NULL AND btrim(a.text) <> ''
  AND ($2::uuid IS NULL OR q.document_id = $2) AND ($3::uuid IS NULL OR q.id = $3)
  AND ($4::uuid IS NULL OR r.territory_id = $4) AND ($5::text IS NULL OR r.position = $5)
  AND ($6::text IS NULL OR a.text ILIKE $6 ESCAPE '\\')`;

/**
 * The free-text answers read model for the results pages: newest first, keyset-paged on the answer id (an identity,
 * unique and growing), so a page costs the same however deep; excluded responses are left out and counted apart.
 */
@Injectable()
export class AnswersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private params(campaignId: string, f: AnswerFilter): unknown[] {
    return [campaignId, f.documentId, f.questionId, f.territoryId, f.position, f.pattern];
  }

  page(campaignId: string, f: AnswerFilter, before: string | null, limit: number): Promise<FreeTextRow[]> {
    return this.dataSource.query(
      `SELECT a.id::text AS id, a.text, r.created_at, q.text AS question_text, d.title AS document_title,
              t.name AS territory_name, t.kind AS territory_kind, COALESCE(p.name, r.position) AS position_name
         FROM questions q
         JOIN response_answers a ON a.question_id = q.id
         JOIN responses r ON r.id = a.response_id
         JOIN territories t ON t.id = r.territory_id
         LEFT JOIN documents d ON d.id = q.document_id
         LEFT JOIN positions p ON p.code = r.position
        WHERE ${FILTER} AND NOT r.excluded AND ($7::bigint IS NULL OR a.id < $7)
        ORDER BY a.id DESC LIMIT $8`,
      [...this.params(campaignId, f), before, limit],
    );
  }

  async counts(campaignId: string, f: AnswerFilter): Promise<{ included: number; excluded: number }> {
    const [row] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE NOT r.excluded)::int AS included, count(*) FILTER (WHERE r.excluded)::int AS excluded
         FROM questions q
         JOIN response_answers a ON a.question_id = q.id
         JOIN responses r ON r.id = a.response_id
        WHERE ${FILTER}`,
      this.params(campaignId, f),
    );
    return { included: row.included, excluded: row.excluded };
  }

  /** What the filters offer: documents, text questions, the active territories and the positions. */
  async filterChoices(campaignId: string) {
    const [documents, questions, territories, positions]: [
      { id: string; title: string }[],
      { id: string; text: string; document_title: string | null }[],
      { id: string; name: string; kind: string }[],
      { code: string; name: string }[],
    ] = await Promise.all([
      this.dataSource.query(`SELECT id, title FROM documents WHERE campaign_id = $1 ORDER BY sort_order, created_at, id`, [campaignId]),
      this.dataSource.query(
        `SELECT q.id, q.text, d.title AS document_title FROM questions q LEFT JOIN documents d ON d.id = q.document_id
          WHERE q.campaign_id = $1 AND q.kind = 'text'
          ORDER BY COALESCE(d.sort_order, -1), d.created_at NULLS FIRST, q.sort_order, q.created_at, q.id`,
        [campaignId],
      ),
      this.dataSource.query(`SELECT id, name, kind FROM territories WHERE active ORDER BY sort_order, name, kind`),
      this.dataSource.query(`SELECT code, name FROM positions ORDER BY sort_order, code`),
    ]);
    return { documents, questions, territories, positions };
  }
}
