import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError, ValidationError } from '../common/domain-error';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { isUuid } from '../common/uuid';
import { ResponseCursor, ResponseFilter, ResponseRow, ResponsesRepository } from './responses.repository';

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

export interface ResponseListQuery extends ResponseFilter {
  limit?: number;
  offset?: number;
}

export interface ResponseAnswerView {
  question: string;
  document: string | null;
  /** Chosen options, the scale value or the text, in words. */
  answers: string[];
}

export const RESPONSES_PAGE_SIZE = 50;
const RECEIPT_MAX = 64;

/**
 * The organizer's view of stored responses: suspected duplicates are flagged at the write, never dropped; an organizer
 * decides to exclude one from results (or include it back), with the reason, in the audit log. Responses themselves
 * stay immutable: only the exclusion fields change. No personal data is listed (no typed organization name).
 */
@Injectable()
export class ResponsesModerationService {
  private readonly logger = new Logger(ResponsesModerationService.name);

  constructor(
    private readonly repo: ResponsesRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** The API's list: limit/offset, suspected duplicates first. */
  async list(campaignId: string, query: ResponseListQuery = {}): Promise<{ total: number; items: ResponseListItem[] }> {
    await this.requireCampaign(campaignId);
    const filter = cleanFilter(query);
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
    const offset = Math.max(query.offset ?? 0, 0);
    const [total, rows] = await Promise.all([this.repo.count(campaignId, filter), this.repo.offsetPage(campaignId, filter, limit, offset)]);
    return { total, items: rows.map(toItem) };
  }

  /** The page's list: newest first, keyset paging through any number of responses, with the filtered total. */
  async page(
    campaignId: string,
    filter: ResponseFilter,
    after: string | undefined,
  ): Promise<{ total: number; items: ResponseListItem[]; next: string | null }> {
    await this.requireCampaign(campaignId);
    const f = cleanFilter(filter);
    const cursor = decodeCursor(after);
    const [total, rows] = await Promise.all([
      this.repo.count(campaignId, f),
      this.repo.page(campaignId, f, cursor, RESPONSES_PAGE_SIZE + 1),
    ]);
    const more = rows.length > RESPONSES_PAGE_SIZE;
    const shown = rows.slice(0, RESPONSES_PAGE_SIZE);
    const last = shown[shown.length - 1];
    return { total, items: shown.map(toItem), next: more && last ? encodeCursor({ createdKey: last.created_key, id: last.id }) : null };
  }

  /** One response with all its answers, in questionnaire order. */
  async detail(campaignId: string, responseId: string): Promise<{ item: ResponseListItem; answers: ResponseAnswerView[] }> {
    if (!isUuid(responseId)) throw new NotFoundError('Ответ');
    await this.requireCampaign(campaignId);
    const row = await this.repo.findOne(campaignId, responseId);
    if (!row) throw new NotFoundError('Ответ');
    const answers: ResponseAnswerView[] = [];
    for (const a of await this.repo.answers(responseId)) {
      let view = answers[answers.length - 1];
      if (!view || view.question !== a.question_text || (a.question_kind !== 'multi' && a.question_kind !== 'single')) {
        view = { question: a.question_text, document: a.document_title, answers: [] };
        answers.push(view);
      }
      view.answers.push(a.option_text ?? (a.value !== null ? String(a.value) : (a.text ?? '')));
    }
    return { item: toItem(row), answers };
  }

  exclude(campaignId: string, responseId: string, reason: unknown, actorId: string): Promise<ResponseListItem> {
    const text = typeof reason === 'string' ? reason.trim() : '';
    if (!text || text.length > 500)
      throw new ValidationError('reason: укажите причину (до 500 символов)', { reason: 'Укажите причину исключения (до 500 символов)' });
    return this.setExcluded(campaignId, responseId, true, text, actorId);
  }

  include(campaignId: string, responseId: string, reason: unknown, actorId: string): Promise<ResponseListItem> {
    const text = typeof reason === 'string' ? reason.trim().slice(0, 500) : '';
    return this.setExcluded(campaignId, responseId, false, text, actorId);
  }

  private async setExcluded(campaignId: string, responseId: string, excluded: boolean, reason: string, actorId: string) {
    if (!isUuid(responseId)) throw new NotFoundError('Ответ');
    await this.requireCampaign(campaignId);
    return this.repo.transaction(async (m) => {
      const before = await this.repo.findOne(campaignId, responseId, m, true);
      if (!before) throw new NotFoundError('Ответ');
      if (before.excluded === excluded) throw new ConflictError(excluded ? 'Ответ уже исключён из результатов' : 'Ответ не исключён');
      await this.repo.setExcluded(m, responseId, excluded, excluded ? reason : null, excluded ? actorId : null);
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
      const after = await this.repo.findOne(campaignId, responseId, m);
      this.logger.log(`response ${responseId} ${excluded ? 'excluded' : 'included'} by ${actorId}`);
      return toItem(after!);
    });
  }

  async campaignTitle(campaignId: string): Promise<string> {
    return (await this.requireCampaign(campaignId)).title;
  }

  private async requireCampaign(campaignId: string): Promise<{ title: string }> {
    const title = isUuid(campaignId) ? await this.repo.campaignTitle(campaignId) : null;
    if (title === null) throw new NotFoundError('Кампания');
    return { title };
  }
}

function cleanFilter(f: ResponseFilter): ResponseFilter {
  const receipt = typeof f.receipt === 'string' ? f.receipt.trim().toUpperCase() : '';
  return {
    flagged: f.flagged,
    excluded: f.excluded,
    territoryId: f.territoryId && isUuid(f.territoryId) ? f.territoryId : undefined,
    position: f.position || undefined,
    organizationType: f.organizationType || undefined,
    receipt: receipt && receipt.length <= RECEIPT_MAX ? receipt : undefined,
  };
}

/** PostgreSQL's text of a timestamptz, e.g. `2026-12-02 14:03:01.123456+00` (checked before it reaches SQL). */
const CREATED_KEY_RE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/;

/** The cursor in a link: base64url of "createdKey|id"; anything malformed starts from the first page. */
function encodeCursor(c: ResponseCursor): string {
  return Buffer.from(`${c.createdKey}|${c.id}`).toString('base64url');
}

function decodeCursor(value: string | undefined): ResponseCursor | null {
  if (!value || value.length > 200) return null;
  const [createdKey, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (!id || !isUuid(id) || !CREATED_KEY_RE.test(createdKey ?? '')) return null;
  return { createdKey, id };
}

function toItem(r: ResponseRow): ResponseListItem {
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
