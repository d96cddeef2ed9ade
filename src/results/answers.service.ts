import { Injectable } from '@nestjs/common';
import { isUuid } from '../common/uuid';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { AnswerFilter, AnswersRepository, containsPattern } from './answers.repository';

export const ANSWERS_PAGE_SIZE = 50;
/** Longest search text: the ILIKE scans every answer of the campaign, a longer needle is never useful. */
export const SEARCH_MAX = 200;

export interface AnswersQuery {
  documentId?: unknown;
  questionId?: unknown;
  territoryId?: unknown;
  position?: unknown;
  q?: unknown;
  before?: unknown;
}

/** The filters as the form shows them back, and the problems with them (shown next to the fields). */
export function parseAnswersQuery(query: AnswersQuery) {
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const values = {
    documentId: str(query.documentId),
    questionId: str(query.questionId),
    territoryId: str(query.territoryId),
    position: str(query.position),
    q: typeof query.q === 'string' ? query.q.slice(0, SEARCH_MAX + 1) : '',
  };
  const errors: Record<string, string> = {};
  if (values.q.trim().length > SEARCH_MAX) errors.q = `Не длиннее ${SEARCH_MAX} знаков`;
  const uuidOrNull = (v: string) => (isUuid(v) ? v : null);
  const filter: AnswerFilter = {
    documentId: uuidOrNull(values.documentId),
    questionId: uuidOrNull(values.questionId),
    territoryId: uuidOrNull(values.territoryId),
    position: values.position && values.position.length <= 64 ? values.position : null,
    pattern: values.q.trim() && !errors.q ? containsPattern(values.q.trim()) : null,
  };
  const before = typeof query.before === 'string' && /^[0-9]{1,19}$/.test(query.before) ? query.before : null;
  return { values, errors, filter, before };
}

/** One page of free-text answers with the counts beside it. */
@Injectable()
export class AnswersService {
  constructor(private readonly repo: AnswersRepository) {}

  async page(campaignId: string, filter: AnswerFilter, before: string | null) {
    const [rows, counts, choices] = await Promise.all([
      this.repo.page(campaignId, filter, before, ANSWERS_PAGE_SIZE + 1),
      this.repo.counts(campaignId, filter),
      this.repo.filterChoices(campaignId),
    ]);
    const items = rows.slice(0, ANSWERS_PAGE_SIZE).map((r) => ({
      ...r,
      territoryLabel: `${r.territory_name} (${(TERRITORY_KIND_LABELS[r.territory_kind] ?? r.territory_kind).toLowerCase()})`,
    }));
    return {
      items,
      counts,
      next: rows.length > ANSWERS_PAGE_SIZE ? items[items.length - 1].id : null,
      choices: {
        ...choices,
        territories: choices.territories.map((t) => ({
          id: t.id,
          name: `${t.name} (${(TERRITORY_KIND_LABELS[t.kind] ?? t.kind).toLowerCase()})`,
        })),
      },
    };
  }
}
