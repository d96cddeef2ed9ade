import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { CampaignStatus } from '../campaigns/campaign-status';
import { lockCampaign } from '../campaigns/campaigns.service';
import { ConflictError, DomainError, ErrorCode } from '../common/domain-error';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { ReferenceService } from '../reference/reference.service';
import { AssignInput, BulkInput, Candidate, conflictOf, Doc, parseAssign, AssignRequest, parseBulk } from './assignment-rules';
import { AssignmentsRepository } from './assignments.repository';
import { ExpertProfilesRepository } from './expert-profiles.repository';
import { ExpertStatus } from './expert-status';
import { isUuid } from '../common/uuid';

/** Stages in which experts may still be assigned: everything before the campaign is completed. */
const ASSIGNABLE = [CampaignStatus.Draft, CampaignStatus.Discussion, CampaignStatus.Revision, CampaignStatus.Expertise];

export type SkippedConflict = { expertId: string; documentId: string; reason: string };

interface PlannedPair {
  expert: Candidate;
  doc: Doc;
  conflict: string | null;
}

/** Where new pairs go: the campaign, their due date, and who creates them. */
interface PairTarget {
  campaignId: string;
  dueAt: Date | null;
  actorId: string;
}

/**
 * Creates assignments: by hand (with the conflict-of-interest rule and its logged override) or in bulk (by direction,
 * or N per document balanced across territories). A pair is never assigned twice (unique key). Every creation holds
 * the campaign's row lock (campaigns' lockCampaign), so it cannot race a stage move. Returns the ids of the rows
 * created; AssignmentsService turns them into views.
 */
@Injectable()
export class AssignmentPlannerService {
  constructor(
    private readonly repo: AssignmentsRepository,
    private readonly experts: ExpertProfilesRepository,
    private readonly reference: ReferenceService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async assign(actorId: string, campaignId: string, input: AssignInput): Promise<string[]> {
    const req = parseAssign(input);
    return this.repo.transaction(async (m) => {
      const campaign = await this.lockAssignable(m, campaignId);
      const pairs = await this.plannedPairs(m, campaignId, req);
      const conflicts = pairs.filter((p) => p.conflict);
      if (conflicts.length && !req.overrideReason) {
        throw new ConflictError(
          conflicts.map(
            (p) =>
              `conflict: эксперт «${p.expert.full_name}» (${p.expert.id}) и документ «${p.doc.title}» (${p.doc.id}): ${p.conflict}; укажите overrideReason, чтобы назначить`,
          ),
          ErrorCode.ConflictOfInterest,
        );
      }
      const target = { campaignId, dueAt: req.dueAt, actorId };
      const created: string[] = [];
      for (const p of pairs) {
        const id = await this.insertPair(m, target, p.expert, p.doc, p.conflict ? req.overrideReason : null);
        if (!id) continue;
        created.push(id);
        if (p.conflict) await this.auditOverride(m, target, id, p, req.overrideReason);
      }
      await this.afterCreate(m, actorId, campaign, created, AuditAction.AssignmentCreated);
      return created;
    });
  }

  /** Bulk assignment. Conflicting pairs are never created in bulk; they are reported back instead. */
  async assignBulk(
    actorId: string,
    campaignId: string,
    input: BulkInput,
  ): Promise<{ createdIds: string[]; skippedConflicts: SkippedConflict[] }> {
    const req = parseBulk(input);
    const skipped: SkippedConflict[] = [];
    const ids = await this.repo.transaction(async (m) => {
      const campaign = await this.lockAssignable(m, campaignId);
      const direction = req.mode === 'direction' ? req.direction : null;
      if (direction !== null && !(await this.reference.codeLists()).directions.some((d) => d.code === direction)) {
        throw new DomainError(ErrorCode.Unprocessable, `direction: неизвестное направление «${direction}»`);
      }
      const experts = await this.experts.approvedCandidates(m, direction);
      const docs = await this.repo.campaignDocuments(m, campaignId, direction);
      const existing = await this.repo.campaignPairs(m, campaignId);
      const target = { campaignId, dueAt: req.dueAt, actorId };
      const created =
        req.mode === 'direction'
          ? await this.createByDirection(m, target, docs, experts, existing, skipped)
          : await this.createBalanced(m, target, docs, experts, existing, req.perDocument);
      const action = req.mode === 'direction' ? AuditAction.AssignmentBulkDirection : AuditAction.AssignmentBulkBalanced;
      await this.afterCreate(m, actorId, campaign, created, action);
      return created;
    });
    return { createdIds: ids, skippedConflicts: skipped };
  }

  /** The campaign, locked for the rest of the transaction; 409 once it is completed. */
  private async lockAssignable(m: EntityManager, campaignId: string): Promise<{ id: string; status: CampaignStatus }> {
    if (!isUuid(campaignId)) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    const campaign = await lockCampaign(m, campaignId);
    if (!ASSIGNABLE.includes(campaign.status))
      throw new ConflictError('campaign: кампания завершена, назначения не меняются', ErrorCode.WrongStage);
    return campaign;
  }

  /** The pairs a manual request creates (those assigned already left out), each with its conflict; 422 naming each unknown. */
  private async plannedPairs(m: EntityManager, campaignId: string, req: AssignRequest): Promise<PlannedPair[]> {
    const experts = await this.experts.candidatesByIds(m, req.expertIds);
    const docs = await this.repo.campaignDocumentsById(m, campaignId, req.documentIds);
    const refusals = [
      ...req.expertIds.filter((id) => !experts.some((e) => e.id === id)).map((id) => `expertIds: эксперт ${id} не найден в реестре`),
      ...experts.filter((e) => e.status !== ExpertStatus.Approved).map((e) => `expertIds: эксперт «${e.full_name}» (${e.id}) не одобрен`),
      ...req.documentIds
        .filter((id) => !docs.some((d) => d.id === id))
        .map((id) => `documentIds: документ ${id} не относится к этой кампании`),
    ];
    if (refusals.length) throw new DomainError(ErrorCode.Unprocessable, refusals);
    const taken = pairKeys(await this.repo.existingPairs(req.expertIds, req.documentIds, m));
    const pairs: PlannedPair[] = [];
    for (const doc of docs) {
      for (const expert of experts) {
        if (!taken.has(`${expert.id}:${doc.id}`)) pairs.push({ expert, doc, conflict: conflictOf(expert, doc) });
      }
    }
    return pairs;
  }

  private insertPair(m: EntityManager, t: PairTarget, expert: Candidate, doc: Doc, overrideReason: string | null): Promise<string | null> {
    return this.repo.insertPair(m, { ...t, expertId: expert.id, documentId: doc.id, overrideReason });
  }

  private async auditOverride(m: EntityManager, t: PairTarget, id: string, p: PlannedPair, reason: string): Promise<void> {
    await this.audit.record(m, {
      actorId: t.actorId,
      action: AuditAction.AssignmentConflictOverride,
      entityType: 'assignment',
      entityId: id,
      campaignId: t.campaignId,
      after: { expertId: p.expert.id, documentId: p.doc.id, conflict: p.conflict, reason },
    });
  }

  /** Every competent expert to every document of the direction; conflicting pairs are skipped and reported. */
  private async createByDirection(
    m: EntityManager,
    t: PairTarget,
    docs: Doc[],
    experts: Candidate[],
    existing: { expert_id: string; document_id: string }[],
    skipped: SkippedConflict[],
  ): Promise<string[]> {
    const taken = pairKeys(existing);
    const created: string[] = [];
    for (const doc of docs) {
      for (const expert of experts) {
        if (taken.has(`${expert.id}:${doc.id}`)) continue;
        const conflict = conflictOf(expert, doc);
        if (conflict) {
          skipped.push({ expertId: expert.id, documentId: doc.id, reason: conflict });
          continue;
        }
        const id = await this.insertPair(m, t, expert, doc, null);
        if (id) created.push(id);
      }
    }
    return created;
  }

  /**
   * Tops each document up to `perDocument` experts, preferring territories not yet used for that document, then
   * competence in its direction, then the least-loaded expert (ties by id, so a run is reproducible).
   */
  private async createBalanced(
    m: EntityManager,
    t: PairTarget,
    docs: Doc[],
    experts: Candidate[],
    existing: { expert_id: string; document_id: string; territory_id: string }[],
    perDocument: number,
  ): Promise<string[]> {
    const taken = pairKeys(existing);
    const load = new Map<string, number>();
    for (const e of existing) load.set(e.expert_id, (load.get(e.expert_id) ?? 0) + 1);
    const created: string[] = [];
    for (const doc of docs) {
      const mine = existing.filter((e) => e.document_id === doc.id);
      const usedTerritories = new Set(mine.map((e) => e.territory_id));
      let need = perDocument - mine.length;
      const pool = experts.filter((e) => !taken.has(`${e.id}:${doc.id}`) && !conflictOf(e, doc));
      while (need > 0 && pool.length) {
        pool.sort(
          (a, b) =>
            Number(usedTerritories.has(a.territory_id)) - Number(usedTerritories.has(b.territory_id)) ||
            Number(!a.competences.includes(doc.direction_code ?? '')) - Number(!b.competences.includes(doc.direction_code ?? '')) ||
            (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) ||
            a.id.localeCompare(b.id),
        );
        const pick = pool.shift()!;
        const id = await this.insertPair(m, t, pick, doc, null);
        if (!id) continue;
        created.push(id);
        usedTerritories.add(pick.territory_id);
        load.set(pick.id, (load.get(pick.id) ?? 0) + 1);
        need--;
      }
    }
    return created;
  }

  private async afterCreate(
    m: EntityManager,
    actorId: string,
    campaign: { id: string; status: CampaignStatus },
    ids: string[],
    action: AuditAction,
  ) {
    if (!ids.length) return;
    await this.audit.record(m, {
      actorId,
      action,
      entityType: 'campaign',
      entityId: campaign.id,
      campaignId: campaign.id,
      after: { assignmentIds: ids },
    });
    // assigned while expertise is already open: the invitation goes out now (the job skips those already invited)
    if (campaign.status === CampaignStatus.Expertise) {
      await this.outbox.enqueue(m, JobName.InviteExperts, { campaignId: campaign.id }, { dedupeKey: `invite-experts:${campaign.id}` });
    }
  }
}

function pairKeys(pairs: { expert_id: string; document_id: string }[]): Set<string> {
  return new Set(pairs.map((e) => `${e.expert_id}:${e.document_id}`));
}
