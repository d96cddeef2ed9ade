import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { ConflictError, DomainError, ErrorCode, ValidationError } from '../common/domain-error';
import { AssignmentPlannerService, SkippedConflict } from './assignment-planner.service';
import { AssignInput, BulkInput, iso } from './assignment-rules';
import { AssignmentAction, AssignmentStatus } from './assignment-status';
import { AssignmentLifecycleService } from './assignment-lifecycle.service';
import { ApprovedExpertRow, ExpertProfilesRepository } from './expert-profiles.repository';
import { AssignmentListRow, AssignmentsRepository, CampaignRow, FormDocumentRow } from './assignments.repository';
import { ExpertNotificationsService } from './expert-notifications.service';
import { isUuid } from '../common/uuid';

export interface AssignmentView {
  id: string;
  campaignId: string;
  expert: { id: string; fullName: string; email: string; territoryId: string; organizationName: string };
  document: { id: string; title: string };
  dueAt: string | null;
  status: AssignmentStatus;
  late: boolean;
  invitedAt: string | null;
  submittedAt: string | null;
  conflictOverrideReason: string | null;
  reopenedReason: string | null;
}

/**
 * Organizers' assignments: creating them (delegated to AssignmentPlannerService: by hand or in bulk), listing,
 * removing, reminding and reopening submitted reviews.
 */
@Injectable()
export class AssignmentsService {
  private readonly logger = new Logger(AssignmentsService.name);

  constructor(
    private readonly repo: AssignmentsRepository,
    private readonly experts: ExpertProfilesRepository,
    private readonly audit: AuditService,
    private readonly planner: AssignmentPlannerService,
    private readonly lifecycle: AssignmentLifecycleService,
    private readonly notifications: ExpertNotificationsService,
  ) {}

  async assign(actorId: string, campaignId: string, input: AssignInput): Promise<AssignmentView[]> {
    const ids = await this.planner.assign(actorId, campaignId, input);
    return this.list(campaignId, ids);
  }

  /** Bulk assignment. Conflicting pairs are never created in bulk; they are reported back instead. */
  async assignBulk(
    actorId: string,
    campaignId: string,
    input: BulkInput,
  ): Promise<{ created: AssignmentView[]; skippedConflicts: SkippedConflict[] }> {
    const { createdIds, skippedConflicts } = await this.planner.assignBulk(actorId, campaignId, input);
    return { created: await this.list(campaignId, createdIds), skippedConflicts };
  }

  /** What the organizer's assignment page offers: the campaign, its documents and the approved experts. */
  async formOptions(campaignId: string): Promise<{ campaign: CampaignRow; documents: FormDocumentRow[]; experts: ApprovedExpertRow[] }> {
    const campaign = isUuid(campaignId) ? await this.repo.campaign(campaignId) : null;
    if (!campaign) throw campaignNotFound();
    const [documents, experts] = await Promise.all([this.repo.formDocuments(campaignId), this.experts.approved()]);
    return { campaign, documents, experts };
  }

  async list(campaignId: string, onlyIds?: string[]): Promise<AssignmentView[]> {
    if (!isUuid(campaignId)) throw campaignNotFound();
    if (onlyIds && !onlyIds.length) return [];
    if (!onlyIds && !(await this.repo.campaign(campaignId))) throw campaignNotFound();
    return (await this.repo.list(campaignId, onlyIds ?? null)).map(toView);
  }

  async remove(actorId: string, campaignId: string, assignmentId: string): Promise<void> {
    await this.repo.transaction(async (m) => {
      const a = await this.lifecycle.lock(m, { id: assignmentId, campaignId });
      if (a.status === AssignmentStatus.Submitted) throw new ConflictError('status: оценка уже отправлена, назначение нельзя удалить');
      await this.repo.delete(m, assignmentId);
      await this.audit.record(m, {
        actorId,
        action: AuditAction.AssignmentDeleted,
        entityType: 'assignment',
        entityId: assignmentId,
        campaignId,
        before: { expertId: a.expert_id, documentId: a.document_id, status: a.status },
      });
    });
  }

  /** A reminder sent by hand by an organizer (any number of times; each is logged). */
  async remind(actorId: string, campaignId: string, assignmentId: string): Promise<void> {
    await this.repo.transaction(async (m) => {
      const a = await this.lifecycle.lock(m, { id: assignmentId, campaignId });
      if (a.status === AssignmentStatus.Submitted) throw new ConflictError('status: оценка уже отправлена, напоминание не нужно');
      await this.notifications.queueForAssignment(m, assignmentId, 'expert-manual-reminder');
      await this.audit.record(m, {
        actorId,
        action: AuditAction.AssignmentReminded,
        entityType: 'assignment',
        entityId: assignmentId,
        campaignId,
      });
    });
  }

  /** Reopens a submitted review so the expert can change it; the reason is kept, logged and emailed. */
  async reopen(actorId: string, campaignId: string, assignmentId: string, reason: unknown): Promise<AssignmentView> {
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (!why || why.length > 2000) throw new ValidationError('reason: укажите причину (до 2000 символов)', { reason: 'укажите причину' });
    await this.repo.transaction((m) =>
      this.lifecycle.transition(m, { id: assignmentId, campaignId }, AssignmentAction.Reopen, actorId, { reason: why }),
    );
    this.logger.log({ assignmentId }, 'review reopened');
    const [view] = await this.list(campaignId, [assignmentId]);
    return view;
  }
}

function campaignNotFound(): DomainError {
  return new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
}

function toView(r: AssignmentListRow): AssignmentView {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    expert: { id: r.expert_id, fullName: r.full_name, email: r.email, territoryId: r.territory_id, organizationName: r.organization_name },
    document: { id: r.document_id, title: r.document_title },
    dueAt: iso(r.due_at),
    status: r.status,
    late: r.late,
    invitedAt: iso(r.invited_at),
    submittedAt: iso(r.submitted_at),
    conflictOverrideReason: r.conflict_override_reason,
    reopenedReason: r.reopened_reason,
  };
}
