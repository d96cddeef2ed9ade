import { ValidationError } from '../common/domain-error';
import { isUuid } from '../common/uuid';

/** Pure rules of assignment shared by the assignment, planning and review services. */

export interface Candidate {
  id: string;
  full_name: string;
  territory_id: string;
  organization_id: string | null;
  competences: string[];
}
export interface Doc {
  id: string;
  title: string;
  direction_code: string | null;
  author_organization_id: string | null;
  author_territory_id: string | null;
}

export function conflictOf(expert: Pick<Candidate, 'organization_id' | 'territory_id'>, doc: Doc): string | null {
  if (expert.organization_id && expert.organization_id === doc.author_organization_id) return 'организация эксперта — автор документа';
  if (expert.territory_id === doc.author_territory_id) return 'территория эксперта — автор документа';
  return null;
}

export function parseDueAt(value: unknown): Date | null {
  if (value === undefined || value === null || value === '') return null;
  const d = typeof value === 'string' ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) throw new ValidationError('dueAt: неверная дата (ожидается ISO 8601)', { dueAt: 'неверная дата' });
  return d;
}

export function iso(v: unknown): string | null {
  return v ? new Date(v as string).toISOString() : null;
}

export interface AssignInput {
  expertIds?: unknown;
  documentIds?: unknown;
  dueAt?: unknown;
  overrideReason?: unknown;
}

export interface BulkInput {
  mode?: unknown;
  direction?: unknown;
  perDocument?: unknown;
  dueAt?: unknown;
}

/** A checked manual assignment request. */
export interface AssignRequest {
  expertIds: string[];
  documentIds: string[];
  dueAt: Date | null;
  overrideReason: string;
}

/** A checked bulk request: by direction (every competent expert) or balanced (N experts per document). */
export type BulkRequest =
  { mode: 'direction'; direction: string; dueAt: Date | null } | { mode: 'balanced'; perDocument: number; dueAt: Date | null };

function idList(value: unknown): string[] | null {
  if (!Array.isArray(value) || !value.length || value.length > 1000 || !value.every((v) => typeof v === 'string' && isUuid(v))) {
    return null;
  }
  return [...new Set(value as string[])];
}

/** Shape checks of a manual request (400, every bad field named). */
export function parseAssign(input: AssignInput): AssignRequest {
  const problems: string[] = [];
  const expertIds = idList(input.expertIds);
  const documentIds = idList(input.documentIds);
  if (!expertIds) problems.push('expertIds: укажите непустой список идентификаторов');
  if (!documentIds) problems.push('documentIds: укажите непустой список идентификаторов');
  if (input.overrideReason !== undefined && input.overrideReason !== null && typeof input.overrideReason !== 'string') {
    problems.push('overrideReason: должно быть строкой');
  }
  if (problems.length || !expertIds || !documentIds) throw new ValidationError(problems);
  const dueAt = parseDueAt(input.dueAt);
  const overrideReason = typeof input.overrideReason === 'string' ? input.overrideReason.trim().slice(0, 2000) : '';
  return { expertIds, documentIds, dueAt, overrideReason };
}

/** Shape checks of a bulk request (400). */
export function parseBulk(input: BulkInput): BulkRequest {
  const mode = input.mode;
  if (mode !== 'direction' && mode !== 'balanced')
    throw new ValidationError('mode: допустимы direction и balanced', { mode: 'выберите способ' });
  const dueAt = parseDueAt(input.dueAt);
  if (mode === 'direction') {
    if (typeof input.direction !== 'string' || !input.direction.trim())
      throw new ValidationError('direction: укажите направление', { direction: 'укажите направление' });
    return { mode, direction: input.direction.trim(), dueAt };
  }
  const n = typeof input.perDocument === 'string' && /^\d+$/.test(input.perDocument) ? Number(input.perDocument) : input.perDocument;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 50) {
    throw new ValidationError('perDocument: целое число от 1 до 50', { perDocument: 'целое число от 1 до 50' });
  }
  return { mode, perDocument: n, dueAt };
}
