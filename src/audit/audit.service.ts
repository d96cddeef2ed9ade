import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from './audit-action';
import { AuditIdFilter, AuditRepository, AuditRow } from './audit.repository';

export interface AuditRecord {
  actorId: string | null;
  action: AuditAction;
  entityType: string;
  entityId?: string | null;
  campaignId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export type AuditQuery = AuditIdFilter;

/** Append-only log of organizer and administrator actions and transitions; written in the caller's transaction. */
@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  async record(manager: EntityManager | null, entry: AuditRecord): Promise<void> {
    await this.repo.insert(manager, {
      actorId: entry.actorId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      campaignId: entry.campaignId ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
    });
  }

  list(query: AuditQuery = {}): Promise<AuditRow[]> {
    return this.repo.listByIds(query);
  }
}
