import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { isUuid } from '../common/uuid';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { BreakdownCellRow, BreakdownDimension, BreakdownRepository } from './breakdown.repository';
import { meanOf, percent } from './statistics';

export const DIMENSION_LABELS: Readonly<Record<BreakdownDimension, string>> = {
  [BreakdownDimension.TerritoryKind]: 'Тип территории',
  [BreakdownDimension.Territory]: 'Муниципалитет',
  [BreakdownDimension.Position]: 'Должность',
  [BreakdownDimension.OrganizationType]: 'Тип организации',
};

/** The choices of the breakdown form (breakdown page and results page). */
export const DIMENSIONS = Object.values(BreakdownDimension).map((value) => ({ value, label: DIMENSION_LABELS[value] }));

export interface BreakdownCell {
  count: number;
  /** of the group's answerers of the question, one decimal */
  percent: number;
}

export interface BreakdownGroup {
  key: string;
  name: string;
  /** respondents of the group who answered the question */
  answered: number;
  cells: BreakdownCell[];
  /** scale questions: the group's mean */
  mean: number | null;
}

/** The cross-tab of one question by one dimension (the shape of GET …/results/breakdown, see docs/results.md). */
export interface Breakdown {
  questionId: string;
  documentId: string | null;
  questionText: string;
  kind: string;
  by: BreakdownDimension;
  byLabel: string;
  computedAt: string;
  /** options (single, multi) or scale values (scale); none for free text */
  columns: { key: string; label: string }[];
  groups: BreakdownGroup[];
  total: Omit<BreakdownGroup, 'key' | 'name'>;
}

/** Validates a breakdown request and shapes the repository's counts into a cross-tab. */
@Injectable()
export class BreakdownService {
  constructor(private readonly repo: BreakdownRepository) {}

  questions(campaignId: string) {
    return this.repo.questions(campaignId);
  }

  async breakdown(campaignId: string, questionId: unknown, by: unknown): Promise<Breakdown> {
    const fieldErrors: Record<string, string> = {};
    if (!isUuid(questionId)) fieldErrors.questionId = 'Выберите вопрос';
    if (!(Object.values(BreakdownDimension) as unknown[]).includes(by)) fieldErrors.by = 'Выберите, по какому признаку разбить ответы';
    if (Object.keys(fieldErrors).length) {
      throw new DomainError(
        ErrorCode.ValidationFailed,
        Object.entries(fieldErrors).map(([f, m]) => `${f}: ${m}`),
        fieldErrors,
      );
    }
    const dimension = by as BreakdownDimension;
    const found = await this.repo.question(campaignId, questionId as string);
    if (!found)
      throw new DomainError(ErrorCode.NotFound, 'Вопрос не найден в этой кампании', { questionId: 'Вопрос не найден в этой кампании' });
    const { question, options } = found;
    const rows = await this.repo.cells(campaignId, question.id, dimension);
    const columns = columnsOf(question, options, rows);
    const groupRows = rows.filter((r) => r.group_key !== null && r.is_total);
    const groups = groupRows
      .sort(
        (a, b) =>
          String(a.group_order ?? '~').localeCompare(String(b.group_order ?? '~')) ||
          String(a.group_key).localeCompare(String(b.group_key)),
      )
      .map((g) => ({
        key: g.group_key!,
        name: groupName(dimension, g),
        ...cellsOf(
          columns,
          rows.filter((r) => r.group_key === g.group_key),
          g.respondents,
          question.kind,
        ),
      }));
    const all = rows.find((r) => r.group_key === null && r.is_total)?.respondents ?? 0;
    return {
      questionId: question.id,
      documentId: question.document_id,
      questionText: question.text,
      kind: question.kind,
      by: dimension,
      byLabel: DIMENSION_LABELS[dimension],
      computedAt: new Date().toISOString(),
      columns: columns.map(({ key, label }) => ({ key, label })),
      groups,
      total: cellsOf(
        columns,
        rows.filter((r) => r.group_key === null),
        all,
        question.kind,
      ),
    };
  }
}

interface Column {
  key: string;
  label: string;
  match: (r: BreakdownCellRow) => boolean;
  value?: number;
}

function columnsOf(
  question: { kind: string; scale_min: number | null; scale_max: number | null },
  options: { id: string; text: string }[],
  rows: BreakdownCellRow[],
): Column[] {
  if (question.kind === 'single' || question.kind === 'multi') {
    return options.map((o) => ({ key: o.id, label: o.text, match: (r) => r.option_id === o.id }));
  }
  if (question.kind === 'scale') {
    const values = new Set(rows.filter((r) => r.value !== null).map((r) => r.value!));
    if (question.scale_min !== null && question.scale_max !== null)
      for (let v = question.scale_min; v <= question.scale_max; v++) values.add(v);
    return [...values]
      .sort((a, b) => a - b)
      .map((v) => ({ key: String(v), label: String(v), value: v, match: (r) => !r.is_total && r.value === v }));
  }
  return [];
}

function cellsOf(columns: Column[], rows: BreakdownCellRow[], answered: number, kind: string) {
  const cells = columns.map((c) => {
    const count = rows.find((r) => !r.is_total && c.match(r))?.respondents ?? 0;
    return { count, percent: percent(count, answered) };
  });
  const mean = kind === 'scale' ? meanOf(columns.map((c, i) => ({ value: c.value!, count: cells[i].count }))) : null;
  return { answered, cells, mean };
}

function groupName(by: BreakdownDimension, g: BreakdownCellRow): string {
  if (by === BreakdownDimension.TerritoryKind) return TERRITORY_KIND_LABELS[g.group_key!] ?? g.group_key!;
  if (by === BreakdownDimension.Territory) {
    // names repeat across kinds (Троицкий городской округ / муниципальный район)
    const kind = TERRITORY_KIND_LABELS[g.group_kind ?? ''];
    return kind ? `${g.group_name} (${kind.toLowerCase()})` : String(g.group_name ?? g.group_key);
  }
  // a code no longer in the reference list is shown as stored
  return String(g.group_name ?? g.group_key);
}
