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

/** Group key, name and order per dimension: whitelisted SQL fragments (never built from input). */
const GROUPS: Record<BreakdownDimension, { key: string; name: string; order: string; join: string }> = {
  [BreakdownDimension.TerritoryKind]: { key: 't.kind', name: 't.kind', order: 't.kind', join: '' },
  [BreakdownDimension.Territory]: { key: 't.id::text', name: 't.name', order: `lpad(t.sort_order::text, 6, '0') || t.name`, join: '' },
  [BreakdownDimension.Position]: {
    key: 'r.position',
    name: 'COALESCE(ref.name, r.position)',
    order: `lpad(COALESCE(ref.sort_order, 999999)::text, 6, '0') || r.position`,
    join: 'LEFT JOIN positions ref ON ref.code = r.position',
  },
  [BreakdownDimension.OrganizationType]: {
    key: 'r.organization_type',
    name: 'COALESCE(ref.name, r.organization_type)',
    order: `lpad(COALESCE(ref.sort_order, 999999)::text, 6, '0') || r.organization_type`,
    join: 'LEFT JOIN organization_types ref ON ref.code = r.organization_type',
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
   * Distinct respondents per (group, option or value), per group and in all: one pass over the question's answers
   * joined to their responses (GROUPING SETS), so a multi-select respondent is counted once per group's answerers.
   * A free-text answer counts when it is not blank.
   */
  cells(campaignId: string, questionId: string, by: BreakdownDimension): Promise<BreakdownCellRow[]> {
    const g = GROUPS[by];
    return this.dataSource.query(
      `WITH answers AS (
         SELECT a.response_id, ${g.key} AS group_key, ${g.name} AS group_name, t.kind AS group_kind,
                ${g.order} AS group_order, a.option_id, a.value
           FROM response_answers a
           JOIN responses r ON r.id = a.response_id
           JOIN territories t ON t.id = r.territory_id
           ${g.join}
          WHERE a.question_id = $2 AND r.campaign_id = $1 AND NOT r.excluded
            AND (a.option_id IS NOT NULL OR a.value IS NOT NULL OR btrim(COALESCE(a.text, '')) <> ''))
       SELECT group_key, min(group_name) AS group_name, min(group_kind) AS group_kind, min(group_order) AS group_order,
              option_id, value, GROUPING(option_id, value) = 3 AS is_total, count(DISTINCT response_id)::int AS respondents
         FROM answers
        GROUP BY GROUPING SETS ((group_key, option_id, value), (group_key), (option_id, value), ())
        ORDER BY 4 NULLS LAST, 2, 5 NULLS FIRST, 6 NULLS FIRST`,
      [campaignId, questionId],
    );
  }
}
