import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What a question's answers can be broken down by. */
export enum BreakdownDimension {
  TerritoryKind = 'territory_kind',
  Territory = 'territory',
  Position = 'position',
  OrganizationType = 'organization_type',
}

/**
 * Per dimension, whitelisted SQL fragments (never built from input): the group key of a response (`r`, its territory
 * `t`), and the reference list naming and ordering the groups (columns group_key, group_name, group_kind, group_order).
 */
const GROUPS: Record<BreakdownDimension, { key: string; labels: string }> = {
  [BreakdownDimension.TerritoryKind]: {
    key: 't.kind',
    labels: `SELECT DISTINCT kind AS group_key, kind AS group_name, kind AS group_kind, kind AS group_order FROM territories`,
  },
  [BreakdownDimension.Territory]: {
    key: 't.id::text',
    labels: `SELECT id::text, name, kind, lpad(sort_order::text, 6, '0') || name FROM territories`,
  },
  [BreakdownDimension.Position]: {
    key: 'r.position',
    labels: `SELECT code, name, NULL, lpad(sort_order::text, 6, '0') || code FROM positions`,
  },
  [BreakdownDimension.OrganizationType]: {
    key: 'r.organization_type',
    labels: `SELECT code, name, NULL, lpad(sort_order::text, 6, '0') || code FROM organization_types`,
  },
};

export interface BreakdownQuestionRow {
  id: string;
  document_id: string | null;
  kind: 'single' | 'multi' | 'scale' | 'text';
  text: string;
  scale_min: number | null;
  scale_max: number | null;
}

export interface BreakdownOptionRow {
  id: string;
  text: string;
}

/**
 * One cell of the cross-tab: distinct respondents of a group who chose an option or a scale value, or (answer
 * columns null, `is_total` true) the group's answerers of the question; `group_key` null is the all-groups total.
 */
export interface BreakdownCellRow {
  group_key: string | null;
  group_name: string | null;
  group_kind: string | null;
  group_order: string | null;
  option_id: string | null;
  value: number | null;
  is_total: boolean;
  respondents: number;
}

/** The breakdown read model: a question's answers of stored, not excluded responses, per group, counted in SQL. */
@Injectable()
export class BreakdownRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async question(
    campaignId: string,
    questionId: string,
  ): Promise<{ question: BreakdownQuestionRow; options: BreakdownOptionRow[] } | null> {
    const [question]: BreakdownQuestionRow[] = await this.dataSource.query(
      `SELECT id, document_id, kind, text, scale_min, scale_max FROM questions WHERE id = $1 AND campaign_id = $2`,
      [questionId, campaignId],
    );
    if (!question) return null;
    const options: BreakdownOptionRow[] = await this.dataSource.query(
      `SELECT id, text FROM question_options WHERE question_id = $1 ORDER BY sort_order, id`,
      [questionId],
    );
    return { question, options };
  }

  /** The campaign's questions for the page's question list, in questionnaire order. */
  questions(
    campaignId: string,
  ): Promise<{ id: string; document_id: string | null; kind: string; text: string; document_title: string | null }[]> {
    return this.dataSource.query(
      `SELECT q.id, q.document_id, q.kind, q.text, d.title AS document_title
         FROM questions q LEFT JOIN documents d ON d.id = q.document_id
        WHERE q.campaign_id = $1
        ORDER BY COALESCE(d.sort_order, -1), d.created_at NULLS FIRST, q.document_id NULLS FIRST, q.sort_order, q.created_at, q.id`,
      [campaignId],
    );
  }

  /**
   * Per (group, option or value) and per option or value in all: answer rows counted as the snapshot counts them
   * (one row per chosen option, one per scale value); per group and in all: distinct respondents who answered (a
   * multi-select's several rows count once), from a hashed DISTINCT rather than a sort per grouping set.
   * A free-text answer counts when it is not blank.
   */
  cells(campaignId: string, questionId: string, by: BreakdownDimension): Promise<BreakdownCellRow[]> {
    const g = GROUPS[by];
    return this.dataSource.query(
      `WITH answers AS MATERIALIZED (
         SELECT a.response_id, ${g.key} AS group_key, a.option_id, a.value
           FROM response_answers a
           JOIN responses r ON r.id = a.response_id
           JOIN territories t ON t.id = r.territory_id
          WHERE a.question_id = $2 AND r.campaign_id = $1 AND NOT r.excluded
            AND (a.option_id IS NOT NULL OR a.value IS NOT NULL OR btrim(COALESCE(a.text, '')) <> '')),
       answerers AS (SELECT DISTINCT response_id, group_key FROM answers),
       labels (group_key, group_name, group_kind, group_order) AS (${g.labels}),
       counts AS (
         SELECT group_key, option_id, value, false AS is_total, count(*)::int AS respondents
           FROM answers GROUP BY GROUPING SETS ((group_key, option_id, value), (option_id, value))
         UNION ALL
         SELECT group_key, NULL, NULL, true, count(*)::int FROM answerers GROUP BY ROLLUP (group_key))
       SELECT c.group_key, l.group_name, l.group_kind, l.group_order, c.option_id, c.value, c.is_total, c.respondents
         FROM counts c LEFT JOIN labels l ON l.group_key = c.group_key`,
      [campaignId, questionId],
    );
  }
}
