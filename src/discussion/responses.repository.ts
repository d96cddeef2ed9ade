import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** One stored response as the organizer's list shows it (no personal data: no typed organization name). */
export interface ResponseRow {
  id: string;
  receipt: string;
  created_at: Date;
  /** created_at as PostgreSQL prints it (microseconds kept): the keyset cursor must not lose precision. */
  created_key: string;
  territory_id: string;
  territory_name: string;
  organization_type: string;
  position: string;
  client_group: string;
  suspected_duplicate: boolean;
  excluded: boolean;
  excluded_reason: string | null;
  excluded_at: Date | null;
}

/** One answer row of a response, with its question (and option) in words, in questionnaire order. */
export interface ResponseAnswerRow {
  question_id: string;
  question_text: string;
  question_kind: 'single' | 'multi' | 'scale' | 'text';
  document_title: string | null;
  option_text: string | null;
  value: number | null;
  text: string | null;
}

export interface ResponseFilter {
  flagged?: boolean;
  excluded?: boolean;
  territoryId?: string;
  position?: string;
  organizationType?: string;
  /** Exact receipt (the thank-you page shows it). */
  receipt?: string;
}

/** Where the next page starts: the last row of the previous page in (created_at DESC, id DESC) order. */
export interface ResponseCursor {
  createdKey: string;
  id: string;
}

const SELECT_ROW = `
  SELECT r.id, r.receipt, r.created_at, r.created_at::text AS created_key, r.territory_id, t.name AS territory_name,
         r.organization_type, r.position, left(r.client_hash, 8) AS client_group, r.suspected_duplicate, r.excluded,
         r.excluded_reason, r.excluded_at
    FROM responses r JOIN territories t ON t.id = r.territory_id`;

/** SQL over responses for the organizer's moderation (list, one response, exclusion); typed rows only. */
@Injectable()
export class ResponsesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  private where(campaignId: string, f: ResponseFilter): { sql: string; params: unknown[] } {
    const params: unknown[] = [campaignId];
    const clauses = ['r.campaign_id = $1'];
    const add = (clause: (p: string) => string, value: unknown) => {
      params.push(value);
      clauses.push(clause(`$${params.length}`));
    };
    if (f.flagged !== undefined) add((p) => `r.suspected_duplicate = ${p}`, f.flagged);
    if (f.excluded !== undefined) add((p) => `r.excluded = ${p}`, f.excluded);
    if (f.territoryId) add((p) => `r.territory_id = ${p}::uuid`, f.territoryId);
    if (f.position) add((p) => `r.position = ${p}`, f.position);
    if (f.organizationType) add((p) => `r.organization_type = ${p}`, f.organizationType);
    if (f.receipt) add((p) => `r.receipt = ${p}`, f.receipt);
    return { sql: clauses.join(' AND '), params };
  }

  async count(campaignId: string, f: ResponseFilter): Promise<number> {
    const w = this.where(campaignId, f);
    const [row]: { total: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM responses r WHERE ${w.sql}`,
      w.params,
    );
    return row.total;
  }

  /** Newest first, `limit` rows after the cursor (keyset: no OFFSET, so the 2,603rd row costs what the 1st does). */
  async page(campaignId: string, f: ResponseFilter, after: ResponseCursor | null, limit: number): Promise<ResponseRow[]> {
    const w = this.where(campaignId, f);
    const params = [...w.params];
    let keyset = '';
    if (after) {
      params.push(after.createdKey, after.id);
      keyset = ` AND (r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(limit);
    return this.dataSource.query(
      `${SELECT_ROW} WHERE ${w.sql}${keyset} ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** The API's order (suspected duplicates first, grouped by client), by offset: kept as the API documents it. */
  async offsetPage(campaignId: string, f: ResponseFilter, limit: number, offset: number): Promise<ResponseRow[]> {
    const w = this.where(campaignId, f);
    return this.dataSource.query(
      `${SELECT_ROW} WHERE ${w.sql} ORDER BY r.suspected_duplicate DESC, r.client_hash, r.created_at, r.id
        LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2}`,
      [...w.params, limit, offset],
    );
  }

  async findOne(
    campaignId: string,
    responseId: string,
    m: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<ResponseRow | null> {
    const rows: ResponseRow[] = await m.query(`${SELECT_ROW} WHERE r.id = $1 AND r.campaign_id = $2${lock ? ' FOR UPDATE OF r' : ''}`, [
      responseId,
      campaignId,
    ]);
    return rows[0] ?? null;
  }

  async answers(responseId: string): Promise<ResponseAnswerRow[]> {
    return this.dataSource.query(
      `SELECT q.id AS question_id, q.text AS question_text, q.kind AS question_kind, d.title AS document_title,
              o.text AS option_text, a.value, a.text
         FROM response_answers a
         JOIN questions q ON q.id = a.question_id
         LEFT JOIN documents d ON d.id = q.document_id
         LEFT JOIN question_options o ON o.id = a.option_id
        WHERE a.response_id = $1
        ORDER BY q.sort_order, q.created_at, o.sort_order NULLS FIRST, a.id`,
      [responseId],
    );
  }

  async setExcluded(m: EntityManager, responseId: string, excluded: boolean, reason: string | null, actorId: string | null): Promise<void> {
    await m.query(
      `UPDATE responses SET excluded = $2, excluded_reason = $3, excluded_by = $4, excluded_at = CASE WHEN $2 THEN now() ELSE NULL END
        WHERE id = $1`,
      [responseId, excluded, reason, actorId],
    );
  }

  async campaignTitle(campaignId: string): Promise<string | null> {
    const rows: { title: string }[] = await this.dataSource.query(`SELECT title FROM campaigns WHERE id = $1`, [campaignId]);
    return rows[0]?.title ?? null;
  }
}
