import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SessionService } from '../accounts/session.service';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { ConflictError, ErrorCode, NotFoundError, ValidationError } from '../common/domain-error';
import { MailService } from '../mail/mail.service';
import { EXPERT_STATUS_LABELS, EXPERT_TRANSITIONS, ExpertStatus } from './expert-status';
import { isUuid } from '../common/uuid';

export interface ExpertFilter {
  status?: string;
  competence?: string;
  territoryId?: string;
}

export interface ExpertView {
  id: string;
  email: string;
  fullName: string;
  status: ExpertStatus;
  emailConfirmed: boolean;
  territory: { id: string; name: string; kind: string };
  organizationId: string | null;
  organizationName: string;
  position: string;
  competences: string[];
  about: string;
  statusReason: string | null;
  decidedAt: string | null;
  createdAt: string;
}

/** A status move requested by an organizer; `to` is checked against EXPERT_TRANSITIONS. */
const ACTION_TARGET = {
  approve: ExpertStatus.Approved,
  reject: ExpertStatus.Rejected,
  suspend: ExpertStatus.Suspended,
  restore: ExpertStatus.Approved,
} as const;
export type ExpertAction = keyof typeof ACTION_TARGET;

const EXPERT_ACTION_AUDIT: Readonly<Record<ExpertAction, AuditAction>> = {
  approve: AuditAction.ExpertApprove,
  reject: AuditAction.ExpertReject,
  suspend: AuditAction.ExpertSuspend,
  restore: AuditAction.ExpertRestore,
};

/**
 * The regional expert registry: listing and the organizers' decisions (approve, reject, suspend, restore), each one
 * transition of EXPERT_TRANSITIONS with audit and email. Applications are ExpertApplicationsService.
 */
@Injectable()
export class ExpertRegistryService {
  private readonly logger = new Logger(ExpertRegistryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly sessions: SessionService,
  ) {}

  validateFilter(filter: ExpertFilter): ExpertFilter {
    const problems: string[] = [];
    const out: ExpertFilter = {};
    if (filter.status) {
      if (!Object.values(ExpertStatus).includes(filter.status as ExpertStatus))
        problems.push('status: допустимы applied, approved, rejected, suspended');
      else out.status = filter.status;
    }
    if (filter.territoryId) {
      if (!isUuid(filter.territoryId)) problems.push('territoryId: неверный идентификатор территории');
      else out.territoryId = filter.territoryId;
    }
    if (filter.competence) out.competence = String(filter.competence).slice(0, 100);
    if (problems.length) throw new ValidationError(problems);
    return out;
  }

  async list(filter: ExpertFilter = {}): Promise<ExpertView[]> {
    const f = this.validateFilter(filter);
    const rows = await this.dataSource.query(
      `SELECT p.*, u.email, u.full_name, u.email_confirmed_at, t.name AS territory_name, t.kind AS territory_kind
         FROM expert_profiles p JOIN users u ON u.id = p.user_id JOIN territories t ON t.id = p.territory_id
        WHERE ($1::text IS NULL OR p.status = $1) AND ($2::text IS NULL OR $2 = ANY(p.competences))
          AND ($3::uuid IS NULL OR p.territory_id = $3)
        ORDER BY u.full_name, u.email`,
      [f.status ?? null, f.competence ?? null, f.territoryId ?? null],
    );
    return rows.map(toView);
  }

  async get(id: string): Promise<ExpertView> {
    if (!isUuid(id)) throw new NotFoundError('Эксперт');
    const rows = await this.dataSource.query(
      `SELECT p.*, u.email, u.full_name, u.email_confirmed_at, t.name AS territory_name, t.kind AS territory_kind
         FROM expert_profiles p JOIN users u ON u.id = p.user_id JOIN territories t ON t.id = p.territory_id WHERE p.user_id = $1`,
      [id],
    );
    if (!rows.length) throw new NotFoundError('Эксперт');
    return toView(rows[0]);
  }

  /**
   * The one way a registry entry changes status: checked against EXPERT_TRANSITIONS, in a transaction with the audit
   * row and the email. Suspension also disables the account (a suspended expert cannot log in); restoring enables it.
   * Suspension and rejection end the expert's sessions at once, after the commit (a login racing the commit is
   * refused by the now inactive account, or, for a rejection, gets a session without assignments).
   */
  async changeStatus(actorId: string, expertId: string, action: ExpertAction, reason?: unknown): Promise<ExpertView> {
    if (reason !== undefined && reason !== null && typeof reason !== 'string') throw new ValidationError('reason: должно быть строкой');
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (why.length > 2000) throw new ValidationError('reason: не более 2000 символов');
    if (action === 'suspend' && !why)
      throw new ValidationError('reason: укажите причину приостановки', { reason: 'укажите причину приостановки' });
    if (!isUuid(expertId)) throw new NotFoundError('Эксперт');
    const to = ACTION_TARGET[action];
    await this.dataSource.transaction(async (m) => {
      const [row] = await m.query(
        `SELECT p.status, u.email, u.full_name, u.email_confirmed_at FROM expert_profiles p JOIN users u ON u.id = p.user_id
          WHERE p.user_id = $1 FOR UPDATE OF p`,
        [expertId],
      );
      if (!row) throw new NotFoundError('Эксперт');
      const from = row.status as ExpertStatus;
      const allowed = EXPERT_TRANSITIONS[from].includes(to) && (action !== 'restore' || from === ExpertStatus.Suspended);
      if (!allowed) {
        throw new ConflictError(
          `status: переход из «${EXPERT_STATUS_LABELS[from]}» в «${EXPERT_STATUS_LABELS[to]}» невозможен`,
          ErrorCode.TransitionRefused,
        );
      }
      if (to === ExpertStatus.Approved && !row.email_confirmed_at) {
        throw new ConflictError('email: эксперт ещё не подтвердил адрес электронной почты', ErrorCode.TransitionRefused);
      }
      await m.query(
        `UPDATE expert_profiles SET status = $2, status_reason = $3, decided_by = $4, decided_at = now(), updated_at = now() WHERE user_id = $1`,
        [expertId, to, why || null, actorId],
      );
      if (action === 'suspend' || action === 'restore') {
        await m.query(`UPDATE users SET active = $2, updated_at = now() WHERE id = $1`, [expertId, action === 'restore']);
      }
      await this.audit.record(m, {
        actorId,
        action: EXPERT_ACTION_AUDIT[action],
        entityType: 'expert',
        entityId: expertId,
        before: { status: from },
        after: { status: to, reason: why || null },
      });
      if (action === 'approve' || action === 'reject') {
        await this.mail.queue(m, {
          to: row.email,
          template: action === 'approve' ? 'expert-approved' : 'expert-rejected',
          context: { fullName: row.full_name, reason: why },
        });
      }
    });
    if (action === 'suspend' || action === 'reject') await this.sessions.destroyAllFor(expertId);
    this.logger.log({ expertId, action }, 'expert status changed');
    return this.get(expertId);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toView(r: Record<string, any> /* raw SQL row */): ExpertView {
  return {
    id: r.user_id,
    email: r.email,
    fullName: r.full_name,
    status: r.status,
    emailConfirmed: Boolean(r.email_confirmed_at),
    territory: { id: r.territory_id, name: r.territory_name, kind: r.territory_kind },
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    position: r.position,
    competences: r.competences,
    about: r.about,
    statusReason: r.status_reason,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
  };
}
