import { ROLE_LABELS } from '../accounts/role-labels';
import { Role } from '../accounts/entities/user.entity';
import { CAMPAIGN_STATUS_LABELS, CampaignStatus } from '../campaigns/campaign-status';
import { pluralRu } from '../common/view-helpers';
import { AUDIT_SENTENCES, isAuditAction } from './audit-action';

/** One audit row with the names it refers to, as the repository reads it. */
export interface AuditSentenceInput {
  action: string;
  actorName: string | null;
  campaignTitle: string | null;
  /** The person acted on (user and expert actions), by name. */
  subjectName: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

type Json = Record<string, unknown>;

const FEMININE_ENDINGS = /(овна|евна|ична|инична|кызы|ова|ева|ёва|ина|ына|ская|цкая|ая)$/;
const MALE_NAMES_IN_A = new Set(['никита', 'илья', 'кузьма', 'фома', 'лука', 'данила', 'савва', 'миша', 'саша', 'женя']);

/**
 * Whether a Russian full name is a woman's, for the verb's past form: a patronymic or surname ending, else a first name
 * in -а/-я. A guess (the registry keeps no gender), wrong only for unusual names, and only the verb's ending depends on it.
 */
export function isFeminineName(fullName: string | null): boolean {
  if (!fullName) return true; // «Система» is feminine
  const words = fullName.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 4);
  if (words.some((w) => /(овна|евна|ична|кызы)$/.test(w))) return true;
  if (words.some((w) => /(ович|евич|ич|оглы)$/.test(w))) return false;
  if (words.some((w) => w.length > 3 && FEMININE_ENDINGS.test(w))) return true;
  const first = words.find((w) => /[ая]$/.test(w));
  return !!first && !MALE_NAMES_IN_A.has(first);
}

const quote = (s: unknown) => `«${String(s ?? '').slice(0, 120)}»`;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const stage = (v: unknown) => CAMPAIGN_STATUS_LABELS[v as CampaignStatus] ?? 'другой этап';
const reasonOf = (j: Json | null, word = 'причина') => (str(j?.reason) ? ` (${word}: ${quote(j!.reason)})` : '');

const FIELD_LABELS: Record<string, string> = {
  title: 'название',
  description: 'описание',
  discussion: 'сроки обсуждения',
  expertise: 'сроки экспертизы',
  criterionScale: 'шкала оценок',
  reportRecipients: 'получатели отчётов',
  resultsPublished: 'публикация итогов',
  direction: 'направление',
  authorOrganizationId: 'организация-автор',
  authorTerritoryId: 'территория-автор',
  name: 'название',
  kind: 'вид',
  active: 'действует',
  sortOrder: 'порядок',
  typeCode: 'тип',
  territoryId: 'территория',
  baseSite: 'базовая площадка',
  innovationSite: 'РИП',
  inn: 'ИНН',
  directions: 'направления',
};

/** «: изменены название («А» → «Б»), описание» — the fields that differ, named in words, titles with old and new value. */
export function changedFields(before: Json | null, after: Json | null): string {
  if (!before || !after) return '';
  const parts: string[] = [];
  for (const [key, label] of Object.entries(FIELD_LABELS)) {
    if (!(key in after) && !(key in before)) continue;
    if (JSON.stringify(before[key] ?? null) === JSON.stringify(after[key] ?? null)) continue;
    const shown = (v: unknown) => (typeof v === 'boolean' ? (v ? 'да' : 'нет') : quote(v));
    const simple = (typeof after[key] === 'string' && key !== 'description') || typeof after[key] === 'boolean';
    parts.push(simple ? `${label} (${shown(before[key])} → ${shown(after[key])})` : label);
  }
  return parts.length ? `: ${parts.length === 1 ? 'изменено' : 'изменены'} ${parts.join(', ')}` : '';
}

function details(input: AuditSentenceInput): string {
  const { before, after } = input;
  const a = obj(after);
  const count = (n: number) => `: ${n} ${pluralRu(n, 'назначение', 'назначения', 'назначений')}`;
  switch (input.action) {
    case 'campaign.transition':
      return `${quote(stage(a.status))}${reasonOf(a)}`;
    case 'campaign.transition_failed': {
      const missing = Array.isArray(a.missing) ? a.missing.map(String).join('; ') : '';
      return `${quote(stage(a.to))}${missing ? `: ${missing}` : ''}`;
    }
    case 'campaign.update':
    case 'document.update':
    case 'territory.update':
    case 'organization.update':
      return changedFields(before, after);
    case 'criteria.replace': {
      const n = (j: unknown) => (Array.isArray(obj(j).criteria) ? (obj(j).criteria as unknown[]).length : 0);
      return `: было ${n(before)}, стало ${n(after)}`;
    }
    case 'document.version': {
      const v = obj(a.currentVersion).number;
      return typeof v === 'number' ? ` (версия ${v})` : '';
    }
    case 'response.exclude':
    case 'response.include':
    case 'expert.reject':
    case 'expert.suspend':
    case 'review.reopened':
      return reasonOf(a);
    case 'assignment.created':
    case 'assignment.bulk_direction':
    case 'assignment.bulk_balanced':
      return Array.isArray(a.assignmentIds) ? count(a.assignmentIds.length) : '';
    case 'assignment.conflict_override':
      return reasonOf(a, 'обоснование');
    case 'user.create':
      return ` с ролью ${quote(ROLE_LABELS[a.role as Role] ?? '')}`;
    case 'user.role_change':
      return ` с ${quote(ROLE_LABELS[obj(before).role as Role] ?? '')} на ${quote(ROLE_LABELS[a.role as Role] ?? '')}`;
    case 'organization.import':
      return `: добавлено ${Number(a.created ?? 0)}, обновлено ${Number(a.updated ?? 0)}`;
    default:
      return '';
  }
}

function subject(input: AuditSentenceInput): string {
  if (input.subjectName) return input.subjectName;
  const named = obj(input.after).title ?? obj(input.before).title ?? obj(input.after).text ?? obj(input.before).text;
  const name = obj(input.after).name ?? obj(input.before).name;
  return quote(named ?? name ?? '');
}

/** «Ольга Организаторова перевела кампанию «Модельные документы 2026» на этап «Экспертиза»». */
export function auditSentence(input: AuditSentenceInput): string {
  const actor = input.actorName ?? 'Система';
  const feminine = isFeminineName(input.actorName);
  if (!isAuditAction(input.action)) return `${actor} ${feminine ? 'выполнила' : 'выполнил'} действие, которое журнал не умеет описать`;
  const s = AUDIT_SENTENCES[input.action];
  const rest = s.rest
    .replace('{campaign}', quote(input.campaignTitle ?? 'без названия'))
    .replace('{subject}', () => subject(input))
    .replace('{details}', () => details(input));
  return `${actor} ${s.verb[feminine ? 1 : 0]} ${rest}`;
}
