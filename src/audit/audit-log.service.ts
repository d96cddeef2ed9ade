import { Injectable } from '@nestjs/common';
import { ValidationError } from '../common/domain-error';
import { AppConfig } from '../config/app.config';
import { AUDIT_SENTENCES, AuditAction } from './audit-action';
import { AuditNamedRow, AuditRepository, AuditWordFilter } from './audit.repository';
import { auditSentence } from './audit-sentences';

export const AUDIT_PAGE_SIZE = 50;
const EXPORT_MAX_ROWS = 100_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Kinds of action for the filter: one per distinct label, in the order of the enum. */
export const AUDIT_KINDS: { label: string; actions: AuditAction[] }[] = [];
for (const action of Object.values(AuditAction)) {
  const label = AUDIT_SENTENCES[action].label;
  const kind = AUDIT_KINDS.find((k) => k.label === label);
  if (kind) kind.actions.push(action);
  else AUDIT_KINDS.push({ label, actions: [action] });
}

export interface AuditPageFilters {
  campaign: string;
  person: string;
  /** 1-based position in AUDIT_KINDS, '' for all */
  kind: string;
  from: string;
  to: string;
}

export interface AuditEntryView {
  when: string;
  actor: string;
  kind: string;
  campaign: string;
  sentence: string;
}

/** The audit log read as sentences: filters by what a person knows, local time, keyset paging, exports. */
@Injectable()
export class AuditLogService {
  private readonly timeFmt: Intl.DateTimeFormat;

  constructor(
    private readonly repo: AuditRepository,
    private readonly config: AppConfig,
  ) {
    this.timeFmt = new Intl.DateTimeFormat('ru-RU', {
      timeZone: config.DISPLAY_TIME_ZONE,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
  }

  /** Reads the page's query; a bad value is named in words (and the field it belongs to). */
  parseFilters(q: Record<string, unknown>): AuditPageFilters {
    const s = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
    const f: AuditPageFilters = {
      campaign: s(q.campaign, 200),
      person: s(q.person, 200),
      kind: s(q.kind, 3),
      from: s(q.from, 10),
      to: s(q.to, 10),
    };
    const fields: Record<string, string> = {};
    if (f.kind && !(Number(f.kind) >= 1 && Number(f.kind) <= AUDIT_KINDS.length)) fields.kind = 'выберите вид действия из списка';
    for (const key of ['from', 'to'] as const) {
      if (f[key] && (!DAY_RE.test(f[key]) || Number.isNaN(Date.parse(f[key])))) fields[key] = 'укажите дату в виде ГГГГ-ММ-ДД';
    }
    if (!fields.from && !fields.to && f.from && f.to && f.from > f.to) fields.to = 'конец периода раньше его начала';
    if (Object.keys(fields).length) throw new ValidationError(Object.values(fields), fields);
    return f;
  }

  private query(f: AuditPageFilters, limit: number, beforeId?: string): AuditWordFilter {
    return {
      campaign: f.campaign || undefined,
      person: f.person || undefined,
      actions: f.kind ? AUDIT_KINDS[Number(f.kind) - 1].actions : undefined,
      fromDay: f.from || undefined,
      toDay: f.to || undefined,
      timeZone: this.config.DISPLAY_TIME_ZONE,
      beforeId: beforeId && /^\d{1,19}$/.test(beforeId) ? beforeId : undefined,
      limit,
    };
  }

  view(r: AuditNamedRow): AuditEntryView {
    const action = r.action as AuditAction;
    return {
      when: this.timeFmt.format(new Date(r.created_at)),
      actor: r.actor_name ?? 'Система',
      kind: AUDIT_SENTENCES[action]?.label ?? 'Другое действие',
      campaign: r.campaign_title ?? '',
      sentence: auditSentence({
        action: r.action,
        actorName: r.actor_name,
        campaignTitle: r.campaign_title,
        subjectName: r.subject_name,
        before: r.before,
        after: r.after,
      }),
    };
  }

  /** One page, newest first, and the cursor of the next (older) page. */
  async page(f: AuditPageFilters, beforeId?: string): Promise<{ entries: AuditEntryView[]; nextBefore: string | null }> {
    const rows = await this.repo.listNamed(this.query(f, AUDIT_PAGE_SIZE + 1, beforeId));
    const more = rows.length > AUDIT_PAGE_SIZE;
    const shown = rows.slice(0, AUDIT_PAGE_SIZE);
    return { entries: shown.map((r) => this.view(r)), nextBefore: more ? shown[shown.length - 1].id : null };
  }

  /** Every matching entry (up to EXPORT_MAX_ROWS), read in keyset batches, as table rows. */
  async exportRows(f: AuditPageFilters): Promise<string[][]> {
    const out: string[][] = [];
    let before: string | undefined;
    while (out.length < EXPORT_MAX_ROWS) {
      const rows = await this.repo.listNamed(this.query(f, 1000, before));
      for (const r of rows) {
        const v = this.view(r);
        out.push([v.when, v.actor, v.kind, v.campaign, v.sentence]);
      }
      if (rows.length < 1000) break;
      before = rows[rows.length - 1].id;
    }
    return out;
  }
}

export const AUDIT_EXPORT_HEADERS = ['Когда', 'Кто', 'Вид действия', 'Кампания', 'Что сделано'];
