import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditAction } from './audit-action';

/** A row of audit_log as the API returns it. */
export interface AuditRow {
  id: string;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  campaign_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  created_at: Date;
}

/** A row with the names it refers to, for the page and the exports. */
export interface AuditNamedRow extends AuditRow {
  actor_name: string | null;
  campaign_title: string | null;
  subject_name: string | null;
}

export interface AuditInsert {
  actorId: string | null;
  action: AuditAction;
  entityType: string;
  entityId: string | null;
  campaignId: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** API filters: by ids and the action code. */
export interface AuditIdFilter {
  campaignId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

/** Page filters: by what a person knows (a campaign's title, a person's name or address), dates are local days. */
export interface AuditWordFilter {
  campaign?: string;
  person?: string;
  actions?: string[];
  /** YYYY-MM-DD, inclusive, in `timeZone` */
  fromDay?: string;
  toDay?: string;
  timeZone: string;
  /** keyset: only rows older than this id */
  beforeId?: string;
  limit: number;
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager | null, e: AuditInsert): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO audit_log (actor_id, action, entity_type, entity_id, campaign_id, before, after)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)`,
      [
        e.actorId,
        e.action,
        e.entityType,
        e.entityId,
        e.campaignId,
        e.before ? JSON.stringify(e.before) : null,
        e.after ? JSON.stringify(e.after) : null,
      ],
    );
  }

  listByIds(q: AuditIdFilter): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.campaignId) add('campaign_id = ?', q.campaignId);
    if (q.actorId) add('actor_id = ?', q.actorId);
    if (q.action) add('action = ?', q.action);
    if (q.from) add('created_at >= ?', q.from);
    if (q.to) add('created_at < ?', q.to);
    params.push(Math.min(q.limit ?? 100, 500), q.offset ?? 0);
    return this.dataSource.query(
      `SELECT id::text, actor_id, action, entity_type, entity_id, campaign_id, before, after, created_at FROM audit_log
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
  }

  /** Newest first, `limit` rows older than `beforeId` (keyset paging: stable while new rows arrive). */
  listNamed(q: AuditWordFilter): Promise<AuditNamedRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.campaign) where.push(`c.title ILIKE ${p(likePattern(q.campaign))}`);
    if (q.person) {
      const pat = p(likePattern(q.person));
      where.push(`(u.full_name ILIKE ${pat} OR u.email ILIKE ${pat})`);
    }
    if (q.actions?.length) where.push(`a.action = ANY(${p(q.actions)}::text[])`);
    if (q.fromDay) where.push(`a.created_at >= (${p(q.fromDay)}::date)::timestamp AT TIME ZONE ${p(q.timeZone)}`);
    if (q.toDay) where.push(`a.created_at < (${p(q.toDay)}::date + 1)::timestamp AT TIME ZONE ${p(q.timeZone)}`);
    if (q.beforeId) where.push(`a.id < ${p(q.beforeId)}::bigint`);
    return this.dataSource.query(
      `SELECT a.id::text, a.actor_id, a.action, a.entity_type, a.entity_id, a.campaign_id, a.before, a.after, a.created_at,
              u.full_name AS actor_name, c.title AS campaign_title, s.full_name AS subject_name
         FROM audit_log a
         LEFT JOIN users u ON u.id = a.actor_id
         LEFT JOIN campaigns c ON c.id = a.campaign_id
         LEFT JOIN users s ON a.entity_type IN ('user', 'expert') AND s.id::text = a.entity_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.id DESC LIMIT ${p(q.limit)}`,
      params,
    );
  }
}
