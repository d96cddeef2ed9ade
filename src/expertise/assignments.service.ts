import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { CampaignStatus } from '../campaigns/campaign-status';
import { ConflictError, DomainError, ErrorCode, ValidationError } from '../common/domain-error';
import { AssignInput, AssignmentPlannerService, BulkInput, SkippedConflict } from './assignment-planner.service';
import { iso } from './assignment-rules';
import { AssignmentStatus } from './expert-status';
import { ExpertNotificationsService } from './expert-notifications.service';
import { isUuid } from '../common/uuid';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw SQL rows
type Row = Record<string, any>;

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
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly planner: AssignmentPlannerService,
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
  async formOptions(campaignId: string) {
    if (!isUuid(campaignId)) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    const [campaign] = await this.dataSource.query(`SELECT id, title, status FROM campaigns WHERE id = $1`, [campaignId]);
    if (!campaign) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    const [documents, experts] = await Promise.all([
      this.dataSource.query(
        `SELECT d.id, d.title, d.direction_code AS "directionCode", dir.name AS "directionName"
           FROM documents d LEFT JOIN directions dir ON dir.code = d.direction_code
          WHERE d.campaign_id = $1 ORDER BY d.sort_order, d.created_at, d.id`,
        [campaignId],
      ),
      this.dataSource.query(
        `SELECT p.user_id AS id, u.full_name AS "fullName", t.name AS "territoryName", p.organization_name AS "organizationName", p.competences
           FROM expert_profiles p JOIN users u ON u.id = p.user_id JOIN territories t ON t.id = p.territory_id
          WHERE p.status = 'approved' ORDER BY u.full_name, u.id`,
      ),
    ]);
    return { campaign, documents, experts };
  }

  async list(campaignId: string, onlyIds?: string[]): Promise<AssignmentView[]> {
    if (!isUuid(campaignId)) throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    if (onlyIds && !onlyIds.length) return [];
    if (!onlyIds && !(await this.dataSource.query(`SELECT 1 FROM campaigns WHERE id = $1`, [campaignId])).length) {
      throw new DomainError(ErrorCode.NotFound, 'Кампания не найдена');
    }
    const rows = await this.dataSource.query(
      `SELECT a.*, u.full_name, u.email, p.territory_id, p.organization_name, d.title AS document_title,
              (a.status <> 'submitted' AND a.due_at IS NOT NULL AND a.due_at < now()) AS late
         FROM assignments a JOIN users u ON u.id = a.expert_id JOIN expert_profiles p ON p.user_id = a.expert_id
         JOIN documents d ON d.id = a.document_id
        WHERE a.campaign_id = $1 AND ($2::uuid[] IS NULL OR a.id = ANY($2::uuid[]))
        ORDER BY d.sort_order, d.title, u.full_name, a.id`,
      [campaignId, onlyIds ?? null],
    );
    return rows.map((r: Row) => ({
      id: r.id,
      campaignId: r.campaign_id,
      expert: {
        id: r.expert_id,
        fullName: r.full_name,
        email: r.email,
        territoryId: r.territory_id,
        organizationName: r.organization_name,
      },
      document: { id: r.document_id, title: r.document_title },
      dueAt: iso(r.due_at),
      status: r.status,
      late: r.late,
      invitedAt: iso(r.invited_at),
      submittedAt: iso(r.submitted_at),
      conflictOverrideReason: r.conflict_override_reason,
      reopenedReason: r.reopened_reason,
    }));
  }

  private async lockAssignment(m: EntityManager, campaignId: string, assignmentId: string) {
    if (!isUuid(campaignId) || !isUuid(assignmentId)) throw new DomainError(ErrorCode.NotFound, 'Назначение не найдено');
    const [a] = await m.query(`SELECT * FROM assignments WHERE id = $1 AND campaign_id = $2 FOR UPDATE`, [assignmentId, campaignId]);
    if (!a) throw new DomainError(ErrorCode.NotFound, 'Назначение не найдено');
    return a as Row;
  }

  async remove(actorId: string, campaignId: string, assignmentId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const a = await this.lockAssignment(m, campaignId, assignmentId);
      if (a.status === AssignmentStatus.Submitted) throw new ConflictError('status: оценка уже отправлена, назначение нельзя удалить');
      await m.query(`DELETE FROM assignments WHERE id = $1`, [assignmentId]);
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
    await this.dataSource.transaction(async (m) => {
      const a = await this.lockAssignment(m, campaignId, assignmentId);
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

  /** Reopens a submitted review so the expert can change it; the reason is kept and logged. */
  async reopen(actorId: string, campaignId: string, assignmentId: string, reason: unknown): Promise<AssignmentView> {
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (!why || why.length > 2000) throw new ValidationError('reason: укажите причину (до 2000 символов)', { reason: 'укажите причину' });
    await this.dataSource.transaction(async (m) => {
      const a = await this.lockAssignment(m, campaignId, assignmentId);
      if (a.status !== AssignmentStatus.Submitted)
        throw new ConflictError('status: вернуть на доработку можно только отправленную оценку', ErrorCode.TransitionRefused);
      const [c] = await m.query(`SELECT status FROM campaigns WHERE id = $1`, [campaignId]);
      if (c.status !== CampaignStatus.Expertise)
        throw new ConflictError('campaign: вернуть оценку можно только на этапе экспертизы', ErrorCode.WrongStage);
      await m.query(
        `UPDATE assignments SET status = 'draft', submitted_at = NULL, reopened_reason = $2, updated_at = now(), row_version = row_version + 1 WHERE id = $1`,
        [assignmentId, why],
      );
      await this.audit.record(m, {
        actorId,
        action: AuditAction.ReviewReopened,
        entityType: 'assignment',
        entityId: assignmentId,
        campaignId,
        before: { status: a.status, submittedAt: iso(a.submitted_at) },
        after: { status: AssignmentStatus.Draft, reason: why },
      });
      await this.notifications.queueForAssignment(m, assignmentId, 'expert-reopened', { reason: why });
    });
    this.logger.log({ assignmentId }, 'review reopened');
    const [view] = await this.list(campaignId, [assignmentId]);
    return view;
  }
}
