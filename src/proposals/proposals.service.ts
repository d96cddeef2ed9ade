import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { CampaignStatus } from '../campaigns/campaign-status';
import { DomainError, ErrorCode, ValidationError } from '../common/domain-error';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import {
  DECISION_LABELS,
  DECISIONS,
  Decision,
  emptyByDecision,
  isDecision,
  JUSTIFICATION_MAX,
  NEEDS_JUSTIFICATION,
  ProposalsSummary,
} from './proposal-decision';
import { CampaignRow, DecisionCountRow, ProposalFilter, ProposalRow, ProposalsRepository } from './proposals.repository';
import { AuditAction } from '../audit/audit-action';
import { isUuid } from '../common/uuid';

/** Answer ids are bigint identities. */
const ID_RE = /^[1-9][0-9]{0,17}$/;
export const SEARCH_MAX = 200;
export const PAGE_MAX = 200;
export const BULK_MAX = 1000;

/** Stages in which proposals are decided: from the revision on, until the campaign is archived (docs/revision.md). */
export const DECIDING_STAGES: readonly string[] = [CampaignStatus.Revision, CampaignStatus.Expertise, CampaignStatus.Completed];

export interface ProposalView {
  id: string;
  documentId: string | null;
  questionId: string;
  text: string;
  territory: { id: string; name: string };
  position: string;
  organizationType: string;
  decision: Decision | null;
  justification: string | null;
  decidedAt: string | null;
}

/** Raw listing parameters (query string or page form). */
export interface ListQuery {
  documentId?: string;
  questionId?: string;
  territoryId?: string;
  decision?: string;
  q?: string;
  cursor?: string;
  limit?: string;
}

export function proposalView(r: ProposalRow): ProposalView {
  return {
    id: r.id,
    documentId: r.document_id,
    questionId: r.question_id,
    text: r.text,
    territory: { id: r.territory_id, name: r.territory_name },
    position: r.position,
    organizationType: r.organization_type,
    decision: r.decision,
    justification: r.justification,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
  };
}

/** The summary object from counts per (document, decision): every campaign document, then `documentId: null`. */
export function summarize(counts: readonly DecisionCountRow[], documents: readonly { id: string }[]): ProposalsSummary {
  const summary: ProposalsSummary = { total: 0, decided: 0, byDecision: emptyByDecision(), documents: [] };
  const perDocument = new Map<string | null, ProposalsSummary['documents'][number]>();
  for (const d of documents) perDocument.set(d.id, { documentId: d.id, total: 0, decided: 0, byDecision: emptyByDecision() });
  for (const row of counts) {
    let doc = perDocument.get(row.document_id);
    if (!doc)
      perDocument.set(row.document_id, (doc = { documentId: row.document_id, total: 0, decided: 0, byDecision: emptyByDecision() }));
    for (const target of [summary, doc]) {
      target.total += row.n;
      if (row.decision) {
        target.decided += row.n;
        target.byDecision[row.decision] += row.n;
      }
    }
  }
  const general = perDocument.get(null);
  perDocument.delete(null);
  summary.documents = [...perDocument.values(), ...(general ? [general] : [])];
  return summary;
}

/**
 * Proposals (docs/api.md «Proposals»): listing, decisions one by one or many at once (all or nothing), the summary.
 * Whether a proposal counts is read from its response at query time, so excluding a response later takes its
 * proposals out of every figure.
 */
@Injectable()
export class ProposalsService {
  constructor(
    private readonly repo: ProposalsRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async campaignOrFail(campaignId: string): Promise<CampaignRow> {
    const campaign = isUuid(campaignId) ? await this.repo.campaign(campaignId) : null;
    if (!campaign) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    return campaign;
  }

  /** Checks a listing's filters; 400 naming each bad one. */
  filter(query: ListQuery): ProposalFilter {
    const problems: string[] = [];
    const fieldErrors: Record<string, string> = {};
    const bad = (field: string, message: string) => {
      problems.push(`${field}: ${message}`);
      fieldErrors[field] = message;
    };
    const filter: ProposalFilter = {};
    for (const key of ['documentId', 'questionId', 'territoryId'] as const) {
      const value = query[key];
      if (value === undefined || value === '') continue;
      if (isUuid(value)) filter[key] = value;
      else bad(key, 'неверный идентификатор');
    }
    if (query.decision) {
      if (query.decision === 'undecided' || isDecision(query.decision)) filter.decision = query.decision as ProposalFilter['decision'];
      else bad('decision', `ожидается undecided, ${DECISIONS.join(', ')}`);
    }
    const q = typeof query.q === 'string' ? query.q.trim() : '';
    if (q.length > SEARCH_MAX) bad('q', `не длиннее ${SEARCH_MAX} символов`);
    else if (q) filter.q = q;
    if (problems.length) throw new ValidationError(problems, fieldErrors);
    return filter;
  }

  async list(campaignId: string, query: ListQuery): Promise<{ total: number; items: ProposalView[]; nextCursor: string | null }> {
    await this.campaignOrFail(campaignId);
    const filter = this.filter(query);
    const problems: string[] = [];
    const limit = query.limit === undefined || query.limit === '' ? 50 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) problems.push(`limit: целое число от 1 до ${PAGE_MAX}`);
    const cursor = query.cursor || null;
    if (cursor !== null && !ID_RE.test(cursor)) problems.push('cursor: неверное значение, используйте nextCursor предыдущей страницы');
    if (problems.length) throw new ValidationError(problems);
    // one row more than asked tells whether there is a next page
    const [total, rows] = await Promise.all([this.repo.count(campaignId, filter), this.repo.page(campaignId, filter, cursor, limit + 1)]);
    const items = rows.slice(0, limit).map(proposalView);
    return { total, items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  /** The decision and its justification as stored; 400 naming the field that is wrong. */
  checkDecision(decision: unknown, justification: unknown): { decision: Decision; justification: string | null } {
    if (!isDecision(decision)) {
      const message = `ожидается ${DECISIONS.join(', ')}`;
      throw new ValidationError(`decision: ${message}`, { decision: 'Выберите решение' });
    }
    const text = typeof justification === 'string' ? justification.trim() : '';
    if (justification !== undefined && justification !== null && typeof justification !== 'string') {
      throw new ValidationError('justification: ожидается строка', { justification: 'Обоснование должно быть текстом' });
    }
    if (!text && NEEDS_JUSTIFICATION.includes(decision)) {
      const message = `обязательно для решения «${DECISION_LABELS[decision]}»`;
      throw new ValidationError(`justification: ${message}`, { justification: `Обоснование ${message}` });
    }
    if (text.length > JUSTIFICATION_MAX) {
      const message = `не длиннее ${JUSTIFICATION_MAX} символов (сейчас ${text.length})`;
      throw new ValidationError(`justification: ${message}`, { justification: `Обоснование ${message}` });
    }
    return { decision, justification: text || null };
  }

  async decide(campaignId: string, id: string, decision: unknown, justification: unknown, actorId: string): Promise<ProposalView> {
    await this.decideMany(campaignId, [id], decision, justification, actorId);
    return proposalView((await this.repo.one(campaignId, id))!);
  }

  /**
   * One decision for many proposals, all or nothing: every id must be a counted proposal of this campaign (404
   * naming the others, checked before the stage), checked and written in one transaction under a share lock on the
   * campaign row, so a stage move cannot slip in between. Every change is audited, one entry per proposal.
   */
  async decideMany(
    campaignId: string,
    ids: unknown[],
    decision: unknown,
    justification: unknown,
    actorId: string,
  ): Promise<{ updated: number }> {
    await this.campaignOrFail(campaignId);
    const checked = this.checkDecision(decision, justification);
    const wanted = [...new Set(ids.map((id) => String(id)))];
    return this.repo.transaction(async (m) => {
      const campaign = (await this.repo.campaign(campaignId, m, true))!;
      // a proposal of another campaign is 404 whatever the stage, as for every object of another campaign
      const valid = wanted.filter((id) => ID_RE.test(id));
      const targets = valid.length ? await this.repo.lockTargets(m, campaignId, valid) : [];
      if (targets.length !== wanted.length) {
        const found = new Set(targets.map((t) => t.id));
        const missing = wanted.filter((id) => !found.has(id));
        throw new DomainError(ErrorCode.NotFound, `Предложение не найдено: ${missing.slice(0, 20).join(', ')}`);
      }
      this.checkStage(campaign.status);
      await this.repo.upsertDecisions(m, targets, checked.decision, checked.justification, actorId);
      for (const t of targets) {
        await this.audit.record(m, {
          actorId,
          action: AuditAction.ProposalDecide,
          entityType: 'proposal',
          entityId: t.id,
          campaignId,
          before: t.decision ? { decision: t.decision, justification: t.justification } : null,
          after: { decision: checked.decision, justification: checked.justification },
        });
      }
      // the snapshot's `proposals` follows the decisions; a burst of them collapses into one aggregation
      await this.outbox.enqueue(m, JobName.AggregateResults, { campaignId }, { dedupeKey: `aggregate:${campaignId}`, delayMs: 3_000 });
      return { updated: targets.length };
    });
  }

  private checkStage(status: string): void {
    if (DECIDING_STAGES.includes(status)) return;
    throw new DomainError(
      ErrorCode.WrongStage,
      status === CampaignStatus.Archived
        ? 'Кампания в архиве: решения по предложениям больше не меняются'
        : 'Решения по предложениям принимаются после обсуждения, начиная с этапа доработки',
    );
  }

  canDecide(status: string): boolean {
    return DECIDING_STAGES.includes(status);
  }

  /** docs/api.md's summary object; 404 for an unknown campaign. */
  async summary(campaignId: string): Promise<ProposalsSummary> {
    await this.campaignOrFail(campaignId);
    return this.summaryOf(campaignId);
  }

  /** The summary computed from the current rows (documents in campaign order, then proposals without a document). */
  async summaryOf(campaignId: string, m?: EntityManager): Promise<ProposalsSummary> {
    const [counts, documents] = await Promise.all([this.repo.decisionCounts(campaignId, m), this.repo.documents(campaignId)]);
    return summarize(counts, documents);
  }

  /** «решено N из M» for the campaign page; null before the discussion (nothing to decide yet). */
  async progress(
    campaignId: string,
    status: string,
  ): Promise<{ total: number; decided: number; undecided: number; needsReason: boolean } | null> {
    if (status === CampaignStatus.Draft) return null;
    const s = await this.summaryOf(campaignId);
    const undecided = s.total - s.decided;
    return { total: s.total, decided: s.decided, undecided, needsReason: status === CampaignStatus.Revision && undecided > 0 };
  }

  undecidedCount(campaignId: string, m?: EntityManager): Promise<number> {
    return this.repo.undecidedCount(campaignId, m);
  }
}
