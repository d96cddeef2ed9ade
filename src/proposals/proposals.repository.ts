import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Decision } from './proposal-decision';

/** Listing filters (docs/api.md «Proposals»); every value is checked by the service before it gets here. */
export interface ProposalFilter {
  documentId?: string;
  /** only proposals on questions about the questionnaire as a whole (no document) */
  withoutDocument?: boolean;
  questionId?: string;
  territoryId?: string;
  decision?: Decision | 'undecided';
  /** Search text as typed; escaped here for ILIKE. */
  q?: string;
}

export interface CampaignRow {
  id: string;
  title: string;
  slug: string;
  status: string;
}

/** One proposal: a free-text answer of a counted response, with where it came from and its decision. */
export interface ProposalRow {
  id: string;
  response_id: string;
  document_id: string | null;
  document_title: string | null;
  question_id: string;
  question_text: string;
  text: string;
  territory_id: string;
  territory_name: string;
  position: string;
  position_name: string | null;
  organization_type: string;
  organization_type_name: string | null;
  decision: Decision | null;
  justification: string | null;
  decided_at: Date | null;
}

/** Proposals of one document whose normalised texts are equal (see NORMALISED_TEXT), with their decisions. */
export interface ProposalGroupRow {
  document_id: string | null;
  document_title: string | null;
  size: number;
  /** comma-separated answer ids, ascending */
  ids: string;
  text: string;
  question_text: string;
  territory_name: string;
  position_name: string | null;
  organization_type_name: string | null;
  decided: number;
  /** each distinct (decision, justification) in the group, most frequent first; decision null = undecided */
  outcomes: { decision: Decision | null; justification: string | null; count: number }[];
}

export interface DecisionCountRow {
  document_id: string | null;
  decision: Decision | null;
  n: number;
}

/** A proposal about to be decided: its key and its decision before (for the audit). */
export interface DecisionTargetRow {
  id: string;
  response_id: string;
  decision: Decision | null;
  justification: string | null;
}

export interface DocumentVersionRow {
  document_id: string;
  number: number;
  file_name: string;
  notes: string;
  created_at: Date;
}

/**
 * How near-identical texts are recognised: lower case, ё as е, and every run of punctuation and white space as one
 * space, trimmed. Equal results are one group ("Добавить примеры!" = "добавить  примеры"). PostgreSQL's regex
 * engine is not backtracking, and a bracket expression with `+` is linear in the text.
 */
const NORMALISED_TEXT = `btrim(regexp_replace(translate(lower(a.text), 'ё', 'е'), '[[:punct:][:space:]«»„“”—–…№]+', ' ', 'g'))`;

/** Every proposal of campaign $1: text answers of its stored responses that are not excluded. */
const FROM = `
  FROM responses r
  JOIN response_answers a ON a.response_id = r.id AND a.text IS NOT NULL
  JOIN questions q ON q.id = a.question_id
  JOIN territories t ON t.id = r.territory_id
  LEFT JOIN documents doc ON doc.id = q.document_id
  LEFT JOIN positions pos ON pos.code = r.position
  LEFT JOIN organization_types ot ON ot.code = r.organization_type
  LEFT JOIN proposal_decisions d ON d.response_id = a.response_id AND d.answer_id = a.id
 WHERE r.campaign_id = $1 AND NOT r.excluded`;

const SELECT_ROW = `
  SELECT a.id::text AS id, a.response_id, q.document_id, doc.title AS document_title, a.question_id, q.text AS question_text,
         a.text, r.territory_id, t.name AS territory_name, r.position, pos.name AS position_name,
         r.organization_type, ot.name AS organization_type_name, d.decision, d.justification, d.decided_at`;

/** Order of the summary and of the pages: documents and questions as the campaign orders them, then by answer. */
const DOCUMENT_ORDER = `doc.sort_order NULLS FIRST, doc.created_at NULLS FIRST, q.document_id NULLS FIRST`;

/** `%`, `_` and the escape character itself are literal in a search. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Every SQL statement over proposals and their decisions. */
@Injectable()
export class ProposalsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async campaign(id: string, m: EntityManager = this.dataSource.manager, lock = false): Promise<CampaignRow | null> {
    const rows: CampaignRow[] = await m.query(`SELECT id, title, slug, status FROM campaigns WHERE id = $1${lock ? ' FOR SHARE' : ''}`, [
      id,
    ]);
    return rows[0] ?? null;
  }

  /** The WHERE additions of a filter, with their parameters numbered after `params`. */
  private where(filter: ProposalFilter, params: unknown[]): string {
    const sql: string[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      sql.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.documentId) add('q.document_id = ?', filter.documentId);
    if (filter.withoutDocument) sql.push('q.document_id IS NULL');
    if (filter.questionId) add('a.question_id = ?', filter.questionId);
    if (filter.territoryId) add('r.territory_id = ?', filter.territoryId);
    if (filter.decision === 'undecided') sql.push('d.decision IS NULL');
    else if (filter.decision) add('d.decision = ?', filter.decision);
    if (filter.q) add(`a.text ILIKE ? ESCAPE '\\'`, likePattern(filter.q));
    return sql.map((s) => ` AND ${s}`).join('');
  }

  async count(campaignId: string, filter: ProposalFilter): Promise<number> {
    const params: unknown[] = [campaignId];
    const where = this.where(filter, params);
    const [{ n }]: { n: number }[] = await this.dataSource.query(`SELECT count(*)::int AS n ${FROM}${where}`, params);
    return n;
  }

  /** One page in answer-id order (keyset: after `afterId`), so paging never repeats or skips a proposal. */
  async page(campaignId: string, filter: ProposalFilter, afterId: string | null, limit: number): Promise<ProposalRow[]> {
    const params: unknown[] = [campaignId];
    let where = this.where(filter, params);
    if (afterId) {
      params.push(afterId);
      where += ` AND a.id > $${params.length}::bigint`;
    }
    params.push(limit);
    return this.dataSource.query(`${SELECT_ROW} ${FROM}${where} ORDER BY a.id LIMIT $${params.length}`, params);
  }

  /** Every proposal (optionally of one document), in summary order. */
  async all(campaignId: string, documentId?: string): Promise<ProposalRow[]> {
    const params: unknown[] = [campaignId];
    const where = this.where({ documentId }, params);
    return this.dataSource.query(`${SELECT_ROW} ${FROM}${where} ORDER BY ${DOCUMENT_ORDER}, q.sort_order, a.id`, params);
  }

  /**
   * Every proposal in summary order, a batch at a time (a federal round has hundreds of thousands): one statement
   * behind a cursor in a read-only REPEATABLE READ transaction, so PostgreSQL joins and sorts once (hash joins, no
   * lookup per row) and hands the rows over `batch` at a time. `decidedOnly` leaves out proposals without a decision.
   */
  async *batches(campaignId: string, batch = 2_000, decidedOnly = false): AsyncGenerator<ProposalRow[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query(
        `DECLARE proposals_cursor NO SCROLL CURSOR FOR ${SELECT_ROW} ${FROM}${decidedOnly ? ' AND d.decision IS NOT NULL' : ''}
          ORDER BY ${DOCUMENT_ORDER}, q.sort_order, a.id`,
        [campaignId],
      );
      for (;;) {
        const rows: ProposalRow[] = await runner.query(`FETCH ${Number(batch)} FROM proposals_cursor`);
        if (rows.length) yield rows;
        if (rows.length < batch) break;
      }
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  }

  /** Groups of near-identical texts (per document) within the filter, largest first; one page of them. */
  async groups(campaignId: string, filter: ProposalFilter, offset: number, limit: number): Promise<ProposalGroupRow[]> {
    const params: unknown[] = [campaignId];
    const where = this.where(filter, params);
    params.push(limit, offset);
    const first = (expr: string, order = 'a.id') => `(array_agg(${expr} ORDER BY ${order}))[1]`;
    // first by (group, decision, justification), then by group: each group lists its distinct outcomes
    return this.dataSource.query(
      `WITH o AS (
         SELECT q.document_id, ${NORMALISED_TEXT} AS norm, d.decision, d.justification, count(*)::int AS n, min(a.id) AS first_id,
                string_agg(a.id::text, ',' ORDER BY a.id) AS ids, ${first('doc.title')} AS document_title, ${first('a.text')} AS text,
                ${first('q.text')} AS question_text, ${first('t.name')} AS territory_name, ${first('pos.name')} AS position_name,
                ${first('ot.name')} AS organization_type_name
           ${FROM}${where}
          GROUP BY q.document_id, norm, d.decision, d.justification)
       SELECT document_id, ${first('document_title', 'first_id')} AS document_title, sum(n)::int AS size,
              string_agg(ids, ',' ORDER BY first_id) AS ids, ${first('text', 'first_id')} AS text,
              ${first('question_text', 'first_id')} AS question_text, ${first('territory_name', 'first_id')} AS territory_name,
              ${first('position_name', 'first_id')} AS position_name, ${first('organization_type_name', 'first_id')} AS organization_type_name,
              coalesce(sum(n) FILTER (WHERE decision IS NOT NULL), 0)::int AS decided,
              json_agg(json_build_object('decision', decision, 'justification', justification, 'count', n) ORDER BY n DESC, first_id) AS outcomes
         FROM o
        GROUP BY document_id, norm
        ORDER BY sum(n) DESC, min(first_id)
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
  }

  async groupCount(campaignId: string, filter: ProposalFilter): Promise<number> {
    const params: unknown[] = [campaignId];
    const where = this.where(filter, params);
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM (SELECT 1 ${FROM}${where} GROUP BY q.document_id, ${NORMALISED_TEXT}) g`,
      params,
    );
    return n;
  }

  /** Proposal counts per document and decision (null: undecided), the source of every summary figure. */
  /**
   * Proposals per (document, decision), `decision` null for the undecided. Runs on every aggregation, so it never
   * joins every text answer: the proposals of each question are the text answers the results tallies count
   * (`question_tallies.text_answers`, responses that count only, kept by the database with every write), the
   * decided ones are counted from the decisions (one row each), and undecided = all − decided.
   */
  async decisionCounts(campaignId: string, m: EntityManager = this.dataSource.manager): Promise<DecisionCountRow[]> {
    return m.query(
      `WITH q AS (SELECT id, document_id FROM questions WHERE campaign_id = $1),
       decided AS (
         SELECT a.question_id, d.decision, count(*)::int AS n
           FROM proposal_decisions d
           JOIN response_answers a ON a.response_id = d.response_id AND a.id = d.answer_id
           JOIN responses r ON r.id = d.response_id AND r.campaign_id = $1 AND NOT r.excluded
          GROUP BY 1, 2)
       SELECT q.document_id, x.decision, sum(x.n)::int AS n
         FROM (SELECT question_id, NULL::text AS decision, text_answers AS n FROM question_tally_sums WHERE question_id IN (SELECT id FROM q)
               UNION ALL SELECT question_id, NULL, -n FROM decided
               UNION ALL SELECT question_id, decision, n FROM decided) x
         JOIN q ON q.id = x.question_id
        GROUP BY q.document_id, x.decision
       HAVING sum(x.n) > 0`,
      [campaignId],
    );
  }

  async undecidedCount(campaignId: string, m: EntityManager = this.dataSource.manager): Promise<number> {
    const [{ n }]: { n: number }[] = await m.query(
      `SELECT count(*)::int AS n
         FROM responses r
         JOIN response_answers a ON a.response_id = r.id AND a.text IS NOT NULL
        WHERE r.campaign_id = $1 AND NOT r.excluded
          AND NOT EXISTS (SELECT 1 FROM proposal_decisions d WHERE d.response_id = a.response_id AND d.answer_id = a.id)`,
      [campaignId],
    );
    return n;
  }

  async documents(campaignId: string): Promise<{ id: string; title: string }[]> {
    return this.dataSource.query(`SELECT id, title FROM documents WHERE campaign_id = $1 ORDER BY sort_order, created_at, id`, [
      campaignId,
    ]);
  }

  async textQuestions(campaignId: string): Promise<{ id: string; text: string; document_id: string | null }[]> {
    return this.dataSource.query(
      `SELECT q.id, q.text, q.document_id FROM questions q LEFT JOIN documents doc ON doc.id = q.document_id
        WHERE q.campaign_id = $1 AND q.kind = 'text' ORDER BY ${DOCUMENT_ORDER}, q.sort_order, q.created_at`,
      [campaignId],
    );
  }

  async territories(): Promise<{ id: string; name: string }[]> {
    return this.dataSource.query(`SELECT id, name FROM territories ORDER BY sort_order, name`);
  }

  async versions(documentIds: string[]): Promise<DocumentVersionRow[]> {
    if (!documentIds.length) return [];
    return this.dataSource.query(
      `SELECT document_id, number, file_name, notes, created_at FROM document_versions
        WHERE document_id = ANY($1::uuid[]) ORDER BY document_id, number`,
      [documentIds],
    );
  }

  /**
   * The proposals among `ids` that belong to the campaign and count, locked until the transaction ends so two
   * organizers deciding the same proposal are serialised (the audit's "before" is then exact).
   */
  async lockTargets(m: EntityManager, campaignId: string, ids: string[]): Promise<DecisionTargetRow[]> {
    return m.query(
      `SELECT a.id::text AS id, a.response_id, d.decision, d.justification
         FROM response_answers a
         JOIN responses r ON r.id = a.response_id
         LEFT JOIN proposal_decisions d ON d.response_id = a.response_id AND d.answer_id = a.id
        WHERE a.id = ANY($2::bigint[]) AND a.text IS NOT NULL AND r.campaign_id = $1 AND NOT r.excluded
        ORDER BY a.id
          FOR NO KEY UPDATE OF a`,
      [campaignId, ids],
    );
  }

  async upsertDecisions(
    m: EntityManager,
    targets: { id: string; response_id: string }[],
    decision: Decision,
    justification: string | null,
    actorId: string,
  ): Promise<void> {
    await m.query(
      `INSERT INTO proposal_decisions (response_id, answer_id, decision, justification, decided_by, decided_at)
       SELECT t.response_id, t.answer_id, $2, $3, $4, now()
         FROM unnest($1::uuid[], $5::bigint[]) AS t(response_id, answer_id)
       ON CONFLICT (response_id, answer_id) DO UPDATE
         SET decision = EXCLUDED.decision, justification = EXCLUDED.justification,
             decided_by = EXCLUDED.decided_by, decided_at = EXCLUDED.decided_at`,
      [targets.map((t) => t.response_id), decision, justification, actorId, targets.map((t) => t.id)],
    );
  }

  async one(campaignId: string, id: string): Promise<ProposalRow | null> {
    const rows: ProposalRow[] = await this.dataSource.query(`${SELECT_ROW} ${FROM} AND a.id = $2::bigint`, [campaignId, id]);
    return rows[0] ?? null;
  }
}
