import { Injectable, Logger } from '@nestjs/common';
import { SessionService } from '../accounts/session.service';
import { AuditService } from '../audit/audit.service';
import { ConflictError, ErrorCode, NotFoundError, ValidationError } from '../common/domain-error';
import { MailService } from '../mail/mail.service';
import { EXPERT_STATUS_LABELS, EXPERT_TRANSITIONS, ExpertAction, ExpertStatus, expertActionAllowed } from './expert-status';
import { DecisionTargetRow, ExpertProfilesRepository, ExpertRow } from './expert-profiles.repository';
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

/**
 * The regional expert registry: listing and the organizers' decisions (approve, reject, suspend, restore), each one
 * move of EXPERT_TRANSITIONS with its audit row and declared side effects. Applications are ExpertApplicationsService.
 */
@Injectable()
export class ExpertRegistryService {
  private readonly logger = new Logger(ExpertRegistryService.name);

  constructor(
    private readonly repo: ExpertProfilesRepository,
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
    const rows = await this.repo.list({ status: f.status ?? null, competence: f.competence ?? null, territoryId: f.territoryId ?? null });
    return rows.map(toView);
  }

  async get(id: string): Promise<ExpertView> {
    const row = isUuid(id) ? await this.repo.find(id) : null;
    if (!row) throw new NotFoundError('Эксперт');
    return toView(row);
  }

  /**
   * The one way a registry entry changes status: under the row lock, checked against EXPERT_TRANSITIONS, applied with
   * the move's declared effects (the account's `active` flag, the email) and its audit row in one transaction.
   * Sessions end after the commit (a login racing the commit is refused by the now inactive account, or, for a
   * rejection, gets a session without assignments).
   */
  async changeStatus(actorId: string, expertId: string, action: ExpertAction, reason?: unknown): Promise<ExpertView> {
    const move = EXPERT_TRANSITIONS[action];
    const why = parseReason(reason, move.needsReason);
    if (!isUuid(expertId)) throw new NotFoundError('Эксперт');
    await this.repo.transaction(async (m) => {
      const row = await this.repo.lockForDecision(m, expertId);
      if (!row) throw new NotFoundError('Эксперт');
      refuseUnlessAllowed(action, row);
      await this.repo.recordDecision(m, expertId, move.to, why || null, actorId);
      if (move.accountActive !== undefined) await this.repo.setAccountActive(m, expertId, move.accountActive);
      await this.audit.record(m, {
        actorId,
        action: move.audit,
        entityType: 'expert',
        entityId: expertId,
        before: { status: row.status },
        after: { status: move.to, reason: why || null },
      });
      if (move.email) await this.mail.queue(m, { to: row.email, template: move.email, context: { fullName: row.full_name, reason: why } });
    });
    if (move.endSessions) await this.sessions.destroyAllFor(expertId);
    this.logger.log({ expertId, action }, 'expert status changed');
    return this.get(expertId);
  }
}

/** The decision's reason: trimmed, at most 2000 characters, required where the move needs one. */
function parseReason(reason: unknown, required: boolean): string {
  if (reason !== undefined && reason !== null && typeof reason !== 'string') throw new ValidationError('reason: должно быть строкой');
  const why = typeof reason === 'string' ? reason.trim() : '';
  if (why.length > 2000) throw new ValidationError('reason: не более 2000 символов');
  if (required && !why) throw new ValidationError('reason: укажите причину приостановки', { reason: 'укажите причину приостановки' });
  return why;
}

function refuseUnlessAllowed(action: ExpertAction, row: DecisionTargetRow): void {
  const move = EXPERT_TRANSITIONS[action];
  if (!expertActionAllowed(action, row.status)) {
    throw new ConflictError(
      `status: переход из «${EXPERT_STATUS_LABELS[row.status]}» в «${EXPERT_STATUS_LABELS[move.to]}» невозможен`,
      ErrorCode.TransitionRefused,
    );
  }
  if (move.needsConfirmedEmail && !row.email_confirmed_at) {
    throw new ConflictError('email: эксперт ещё не подтвердил адрес электронной почты', ErrorCode.TransitionRefused);
  }
}

function toView(r: ExpertRow): ExpertView {
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
