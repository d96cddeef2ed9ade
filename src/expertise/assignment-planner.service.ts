import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { CampaignStatus } from '../campaigns/campaign-status';
import { ConflictError, DomainError, ErrorCode, ValidationError } from '../common/domain-error';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { Candidate, conflictOf, Doc, parseDueAt } from './assignment-rules';
import { ExpertStatus } from './expert-status';
import { isUuid } from '../common/uuid';

export interface AssignInput {
  expertIds?: unknown;
  documentIds?: unknown;
  dueAt?: unknown;
  overrideReason?: unknown;
}

export interface BulkInput {
  mode?: unknown;
  direction?: unknown;
  perDocument?: unknown;
  dueAt?: unknown;
}

/** Stages in which experts may still be assigned: everything before the campaign is completed. */
const ASSIGNABLE = [CampaignStatus.Draft, CampaignStatus.Discussion, CampaignStatus.Revision, CampaignStatus.Expertise];

export type SkippedConflict = { expertId: string; documentId: string; reason: string };

/**
 * Creates assignments: by hand (with the conflict-of-interest rule and its logged override) or in bulk (by direction,
 * or N per document balanced across territories). A pair is never assigned twice (unique key). Returns the ids of the
 * rows created; AssignmentsService turns them into views.
 */
@Injectable()
export class AssignmentPlannerService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  private async lockCampaign(m: EntityManager, campaignId: string): Promise<{ id: string; status: CampaignStatus; title: string }> {
    if (!isUuid(campaignId)) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    const [c] = await m.query(`SELECT id, status, title FROM campaigns WHERE id = $1 FOR UPDATE`, [campaignId]);
    if (!c) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    return c;
  }

  private requireAssignable(status: CampaignStatus): void {
    if (!ASSIGNABLE.includes(status)) throw new ConflictError('campaign: кампания завершена, назначения не меняются', ErrorCode.WrongStage);
  }

  private idList(value: unknown): string[] | null {
    if (!Array.isArray(value) || !value.length || value.length > 1000 || !value.every((v) => typeof v === 'string' && isUuid(v))) {
      return null;
    }
    return [...new Set(value as string[])];
  }

  async assign(actorId: string, campaignId: string, input: AssignInput): Promise<string[]> {
    const problems: string[] = [];
    const expertIds = this.idList(input.expertIds);
    const documentIds = this.idList(input.documentIds);
    if (!expertIds) problems.push('expertIds: укажите непустой список идентификаторов');
    if (!documentIds) problems.push('documentIds: укажите непустой список идентификаторов');
    if (input.overrideReason !== undefined && input.overrideReason !== null && typeof input.overrideReason !== 'string') {
      problems.push('overrideReason: должно быть строкой');
    }
    if (problems.length || !expertIds || !documentIds) throw new ValidationError(problems);
    const dueAt = parseDueAt(input.dueAt);
    const overrideReason = typeof input.overrideReason === 'string' ? input.overrideReason.trim().slice(0, 2000) : '';

    return this.dataSource.transaction(async (m) => {
      const campaign = await this.lockCampaign(m, campaignId);
      this.requireAssignable(campaign.status);
      const experts: (Candidate & { status: string })[] = await m.query(
        `SELECT p.user_id AS id, u.full_name, p.territory_id, p.organization_id, p.competences, p.status
           FROM expert_profiles p JOIN users u ON u.id = p.user_id WHERE p.user_id = ANY($1::uuid[])`,
        [expertIds],
      );
      const unknownExperts = expertIds.filter((id) => !experts.some((e) => e.id === id));
      const notApproved = experts.filter((e) => e.status !== ExpertStatus.Approved);
      const docs: Doc[] = await m.query(
        `SELECT id, title, direction_code, author_organization_id, author_territory_id FROM documents WHERE id = ANY($1::uuid[]) AND campaign_id = $2`,
        [documentIds, campaignId],
      );
      const unknownDocs = documentIds.filter((id) => !docs.some((d) => d.id === id));
      const refusals = [
        ...unknownExperts.map((id) => `expertIds: эксперт ${id} не найден в реестре`),
        ...notApproved.map((e) => `expertIds: эксперт «${e.full_name}» (${e.id}) не одобрен`),
        ...unknownDocs.map((id) => `documentIds: документ ${id} не относится к этой кампании`),
      ];
      if (refusals.length) throw new DomainError(ErrorCode.Unprocessable, refusals);

      const existing: { expert_id: string; document_id: string }[] = await m.query(
        `SELECT expert_id, document_id FROM assignments WHERE expert_id = ANY($1::uuid[]) AND document_id = ANY($2::uuid[])`,
        [expertIds, documentIds],
      );
      const taken = new Set(existing.map((e) => `${e.expert_id}:${e.document_id}`));
      const pairs: { expert: Candidate; doc: Doc; conflict: string | null }[] = [];
      for (const doc of docs) {
        for (const expert of experts) {
          if (taken.has(`${expert.id}:${doc.id}`)) continue;
          pairs.push({ expert, doc, conflict: conflictOf(expert, doc) });
        }
      }
      const conflicts = pairs.filter((p) => p.conflict);
      if (conflicts.length && !overrideReason) {
        throw new ConflictError(
          conflicts.map(
            (p) =>
              `conflict: эксперт «${p.expert.full_name}» (${p.expert.id}) и документ «${p.doc.title}» (${p.doc.id}): ${p.conflict}; укажите overrideReason, чтобы назначить`,
          ),
          ErrorCode.ConflictOfInterest,
        );
      }
      const created: string[] = [];
      for (const p of pairs) {
        const id = await this.insertPair(m, campaignId, p.expert.id, p.doc.id, dueAt, p.conflict ? overrideReason : null, actorId);
        if (!id) continue;
        created.push(id);
        if (p.conflict) {
          await this.audit.record(m, {
            actorId,
            action: AuditAction.AssignmentConflictOverride,
            entityType: 'assignment',
            entityId: id,
            campaignId,
            after: { expertId: p.expert.id, documentId: p.doc.id, conflict: p.conflict, reason: overrideReason },
          });
        }
      }
      await this.afterCreate(m, actorId, campaign, created, AuditAction.AssignmentCreated);
      return created;
    });
  }

  private async insertPair(
    m: EntityManager,
    campaignId: string,
    expertId: string,
    documentId: string,
    dueAt: Date | null,
    overrideReason: string | null,
    actorId: string,
  ): Promise<string | null> {
    const [row] = await m.query(
      `INSERT INTO assignments (campaign_id, document_id, expert_id, due_at, conflict_override_reason, created_by, row_version)
       VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT ON CONSTRAINT uq_assignments_expert_document DO NOTHING RETURNING id`,
      [campaignId, documentId, expertId, dueAt, overrideReason, actorId],
    );
    return row?.id ?? null;
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

  /** Bulk assignment. Conflicting pairs are never created in bulk; they are reported back instead. */
  async assignBulk(
    actorId: string,
    campaignId: string,
    input: BulkInput,
  ): Promise<{ createdIds: string[]; skippedConflicts: SkippedConflict[] }> {
    const mode = input.mode;
    if (mode !== 'direction' && mode !== 'balanced')
      throw new ValidationError('mode: допустимы direction и balanced', { mode: 'выберите способ' });
    const dueAt = parseDueAt(input.dueAt);
    let direction = '';
    let perDocument = 0;
    if (mode === 'direction') {
      if (typeof input.direction !== 'string' || !input.direction.trim())
        throw new ValidationError('direction: укажите направление', { direction: 'укажите направление' });
      direction = input.direction.trim();
    } else {
      const n = typeof input.perDocument === 'string' && /^\d+$/.test(input.perDocument) ? Number(input.perDocument) : input.perDocument;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 50) {
        throw new ValidationError('perDocument: целое число от 1 до 50', { perDocument: 'целое число от 1 до 50' });
      }
      perDocument = n;
    }
    const skipped: SkippedConflict[] = [];
    const ids = await this.dataSource.transaction(async (m) => {
      const campaign = await this.lockCampaign(m, campaignId);
      this.requireAssignable(campaign.status);
      if (mode === 'direction' && !(await m.query(`SELECT 1 FROM directions WHERE code = $1`, [direction])).length) {
        throw new DomainError(ErrorCode.Unprocessable, `direction: неизвестное направление «${direction}»`);
      }
      const experts: Candidate[] = await m.query(
        `SELECT p.user_id AS id, u.full_name, p.territory_id, p.organization_id, p.competences
           FROM expert_profiles p JOIN users u ON u.id = p.user_id
          WHERE p.status = 'approved' AND ($1::text IS NULL OR $1 = ANY(p.competences)) ORDER BY p.user_id`,
        [mode === 'direction' ? direction : null],
      );
      const docs: Doc[] = await m.query(
        `SELECT id, title, direction_code, author_organization_id, author_territory_id FROM documents
          WHERE campaign_id = $1 AND ($2::text IS NULL OR direction_code = $2) ORDER BY sort_order, created_at, id`,
        [campaignId, mode === 'direction' ? direction : null],
      );
      const existing: { expert_id: string; document_id: string; territory_id: string }[] = await m.query(
        `SELECT a.expert_id, a.document_id, p.territory_id FROM assignments a JOIN expert_profiles p ON p.user_id = a.expert_id
          WHERE a.campaign_id = $1`,
        [campaignId],
      );
      const taken = new Set(existing.map((e) => `${e.expert_id}:${e.document_id}`));
      const created: string[] = [];
      if (mode === 'direction') {
        for (const doc of docs) {
          for (const expert of experts) {
            if (taken.has(`${expert.id}:${doc.id}`)) continue;
            const conflict = conflictOf(expert, doc);
            if (conflict) {
              skipped.push({ expertId: expert.id, documentId: doc.id, reason: conflict });
              continue;
            }
            const id = await this.insertPair(m, campaignId, expert.id, doc.id, dueAt, null, actorId);
            if (id) created.push(id);
          }
        }
      } else {
        const load = new Map<string, number>();
        for (const e of existing) load.set(e.expert_id, (load.get(e.expert_id) ?? 0) + 1);
        for (const doc of docs) {
          const mine = existing.filter((e) => e.document_id === doc.id);
          const usedTerritories = new Set(mine.map((e) => e.territory_id));
          let need = perDocument - mine.length;
          const pool = experts.filter((e) => !taken.has(`${e.id}:${doc.id}`) && !conflictOf(e, doc));
          while (need > 0 && pool.length) {
            // territories not yet used for this document first, then competence in the document's direction, then least loaded
            pool.sort(
              (a, b) =>
                Number(usedTerritories.has(a.territory_id)) - Number(usedTerritories.has(b.territory_id)) ||
                Number(!a.competences.includes(doc.direction_code ?? '')) - Number(!b.competences.includes(doc.direction_code ?? '')) ||
                (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0) ||
                a.id.localeCompare(b.id),
            );
            const pick = pool.shift()!;
            const id = await this.insertPair(m, campaignId, pick.id, doc.id, dueAt, null, actorId);
            if (!id) continue;
            created.push(id);
            usedTerritories.add(pick.territory_id);
            load.set(pick.id, (load.get(pick.id) ?? 0) + 1);
            need--;
          }
        }
      }
      await this.afterCreate(
        m,
        actorId,
        campaign,
        created,
        mode === 'direction' ? AuditAction.AssignmentBulkDirection : AuditAction.AssignmentBulkBalanced,
      );
      return created;
    });
    return { createdIds: ids, skippedConflicts: skipped };
  }
}
