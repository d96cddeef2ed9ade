import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError, ValidationError } from '../common/domain-error';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { isUuid } from '../common/uuid';

export interface ResponseListItem {
  id: string;
  receipt: string;
  createdAt: string;
  territory: { id: string; name: string };
  organizationType: string;
  position: string;
  /** A short tag of the client fingerprint: the same tag = the same browser and address (the hash, never the address). */
  clientGroup: string;
  suspectedDuplicate: boolean;
  excluded: boolean;
  excludedReason: string | null;
  excludedAt: string | null;
}

export interface ResponseListQuery {
  flagged?: boolean;
  excluded?: boolean;
  limit?: number;
  offset?: number;
}

const SELECT_ITEM = `
  SELECT r.id, r.receipt, r.created_at, r.territory_id, t.name AS territory_name, r.organization_type, r.position,
         left(r.client_hash, 8) AS client_group, r.suspected_duplicate, r.excluded, r.excluded_reason, r.excluded_at
    FROM responses r JOIN territories t ON t.id = r.territory_id`;

interface Row {
  id: string;
  receipt: string;
  created_at: Date;
  territory_id: string;
  territory_name: string;
  organization_type: string;
  position: string;
  client_group: string;
  suspected_duplicate: boolean;
  excluded: boolean;
  excluded_reason: string | null;
  excluded_at: Date | null;
}

/**
 * The organizer's view of stored responses: suspected duplicates are flagged at the write, never dropped; an organizer
 * decides to exclude one from results (or include it back), with the reason, in the audit log. Responses themselves
 * stay immutable: only the exclusion fields change. No personal data is listed (no typed organization name).
 */
@Injectable()
export class ResponsesModerationService {
  private readonly logger = new Logger(ResponsesModerationService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async list(campaignId: string, query: ResponseListQuery = {}): Promise<{ total: number; items: ResponseListItem[] }> {
    await this.requireCampaign(campaignId);
    const where = ['r.campaign_id = $1'];
    if (query.flagged !== undefined) where.push(`r.suspected_duplicate = ${query.flagged ? 'true' : 'false'}`);
    if (query.excluded !== undefined) where.push(`r.excluded = ${query.excluded ? 'true' : 'false'}`);
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
    const offset = Math.max(query.offset ?? 0, 0);
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM responses r WHERE ${where.join(' AND ')}`, [
      campaignId,
    ]);
    const rows: Row[] = await this.dataSource.query(
      `${SELECT_ITEM} WHERE ${where.join(' AND ')} ORDER BY r.suspected_duplicate DESC, r.client_hash, r.created_at, r.id LIMIT $2 OFFSET $3`,
      [campaignId, limit, offset],
    );
    return { total, items: rows.map(toItem) };
  }

  exclude(campaignId: string, responseId: string, reason: unknown, actorId: string): Promise<ResponseListItem> {
    const text = typeof reason === 'string' ? reason.trim() : '';
    if (!text || text.length > 500)
      throw new ValidationError('reason: укажите причину (до 500 символов)', { reason: 'Укажите причину (до 500 символов)' });
    return this.setExcluded(campaignId, responseId, true, text, actorId);
  }

  include(campaignId: string, responseId: string, reason: unknown, actorId: string): Promise<ResponseListItem> {
    const text = typeof reason === 'string' ? reason.trim().slice(0, 500) : '';
    return this.setExcluded(campaignId, responseId, false, text, actorId);
  }

  private async setExcluded(campaignId: string, responseId: string, excluded: boolean, reason: string, actorId: string) {
    if (!isUuid(responseId)) throw new NotFoundError('Ответ');
    await this.requireCampaign(campaignId);
    return this.dataSource.transaction(async (m) => {
      const [before]: Row[] = await m.query(`${SELECT_ITEM} WHERE r.id = $1 AND r.campaign_id = $2 FOR UPDATE OF r`, [
        responseId,
        campaignId,
      ]);
      if (!before) throw new NotFoundError('Ответ');
      if (before.excluded === excluded) throw new ConflictError(excluded ? 'Ответ уже исключён из результатов' : 'Ответ не исключён');
      await m.query(
        `UPDATE responses SET excluded = $2, excluded_reason = $3, excluded_by = $4, excluded_at = CASE WHEN $2 THEN now() ELSE NULL END
          WHERE id = $1`,
        [responseId, excluded, excluded ? reason : null, excluded ? actorId : null],
      );
      await this.audit.record(m, {
        actorId,
        action: excluded ? AuditAction.ResponseExclude : AuditAction.ResponseInclude,
        entityType: 'response',
        entityId: responseId,
        campaignId,
        before: { excluded: before.excluded, reason: before.excluded_reason },
        after: { excluded, reason: reason || null },
      });
      // the results change with the set of counted responses, in whatever stage: recompute them
      await this.outbox.enqueue(m, JobName.AggregateResults, { campaignId }, { dedupeKey: `aggregate-now:${campaignId}` });
      const [after]: Row[] = await m.query(`${SELECT_ITEM} WHERE r.id = $1`, [responseId]);
      this.logger.log(`response ${responseId} ${excluded ? 'excluded' : 'included'} by ${actorId}`);
      return toItem(after);
    });
  }

  async campaignTitle(campaignId: string): Promise<string> {
    return (await this.requireCampaign(campaignId)).title;
  }

  private async requireCampaign(campaignId: string): Promise<{ title: string }> {
    const rows = isUuid(campaignId) ? await this.dataSource.query(`SELECT title FROM campaigns WHERE id = $1`, [campaignId]) : [];
    if (!rows[0]) throw new NotFoundError('Кампания');
    return rows[0];
  }
}

function toItem(r: Row): ResponseListItem {
  return {
    id: r.id,
    receipt: r.receipt,
    createdAt: new Date(r.created_at).toISOString(),
    territory: { id: r.territory_id, name: r.territory_name },
    organizationType: r.organization_type,
    position: r.position,
    clientGroup: r.client_group,
    suspectedDuplicate: r.suspected_duplicate,
    excluded: r.excluded,
    excludedReason: r.excluded_reason,
    excludedAt: r.excluded_at ? new Date(r.excluded_at).toISOString() : null,
  };
}
