import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditEntry } from './entities/audit-entry.entity';

export interface AuditRecord {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  campaignId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export interface AuditQuery {
  campaignId?: string;
  actorId?: string;
  action?: string;
  from?: Date;
  to?: Date;
  limit?: number;
  offset?: number;
}

/** Append-only log of organizer actions and transitions; written in the caller's transaction. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async record(manager: EntityManager | null, entry: AuditRecord): Promise<void> {
    const m = manager ?? this.dataSource.manager;
    await m.getRepository(AuditEntry).insert({
      actorId: entry.actorId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      campaignId: entry.campaignId ?? null,
      before: (entry.before ?? null) as never,
      after: (entry.after ?? null) as never,
    });
  }

  async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const qb = this.dataSource.getRepository(AuditEntry).createQueryBuilder('a').orderBy('a.id', 'DESC');
    if (query.campaignId) qb.andWhere('a.campaign_id = :c', { c: query.campaignId });
    if (query.action) qb.andWhere('a.action = :act', { act: query.action });
    if (query.actorId) qb.andWhere('a.actor_id = :actor', { actor: query.actorId });
    if (query.from) qb.andWhere('a.created_at >= :from', { from: query.from });
    if (query.to) qb.andWhere('a.created_at < :to', { to: query.to });
    return qb
      .limit(Math.min(query.limit ?? 100, 500))
      .offset(query.offset ?? 0)
      .getMany();
  }
}
