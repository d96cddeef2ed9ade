import { ValidationError } from '../common/domain-error';

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
