import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../accounts/entities/user.entity';
import { UserTokenKind } from '../accounts/entities/user-token.entity';
import { UsersService } from '../accounts/users.service';
import { AuditService } from '../audit/audit.service';
import { ConflictError, ErrorCode, NotFoundError, ValidationError } from '../common/domain-error';
import { MailService } from '../mail/mail.service';
import { ApplicationThrottleService } from './application-throttle.service';
import { EXPERT_STATUS_LABELS, EXPERT_TRANSITIONS, ExpertStatus } from './expert-status';

export interface ExpertApplicationInput {
  email?: unknown;
  password?: unknown;
  fullName?: unknown;
  territoryId?: unknown;
  organizationName?: unknown;
  position?: unknown;
  competences?: unknown;
  about?: unknown;
}

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

export type ConfirmOutcome = 'confirmed' | 'used' | 'expired' | 'unknown';

/** How long an emailed confirmation link works. */
export const CONFIRMATION_TTL_HOURS = 48;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** A status move requested by an organizer; `to` is checked against EXPERT_TRANSITIONS. */
const ACTION_TARGET = {
  approve: ExpertStatus.Approved,
  reject: ExpertStatus.Rejected,
  suspend: ExpertStatus.Suspended,
  restore: ExpertStatus.Approved,
} as const;
export type ExpertAction = keyof typeof ACTION_TARGET;

/**
 * The regional expert registry: public applications with email confirmation, and the organizers' decisions
 * (approve, reject, suspend, restore), each one transition of EXPERT_TRANSITIONS with audit and email.
 */
@Injectable()
export class ExpertRegistryService {
  private readonly logger = new Logger(ExpertRegistryService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly throttle: ApplicationThrottleService,
  ) {}

  /** Validates everything (types too: the page form calls this directly) and reports each bad field. */
  private async validateApplication(m: EntityManager, input: ExpertApplicationInput) {
    const problems: string[] = [];
    const fields: Record<string, string> = {};
    const bad = (field: string, message: string) => {
      problems.push(`${field}: ${message}`);
      fields[field] ??= message;
    };
    const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const email = str(input.email);
    const password = typeof input.password === 'string' ? input.password : '';
    const fullName = str(input.fullName);
    const territoryId = str(input.territoryId);
    const organizationName = str(input.organizationName);
    const position = str(input.position);
    const about = input.about === undefined || input.about === null ? '' : str(input.about);
    const rawCompetences =
      input.competences === undefined ? [] : Array.isArray(input.competences) ? input.competences : [input.competences];

    if (!fullName || fullName.length > 200) bad('fullName', 'укажите фамилию, имя и отчество (до 200 символов)');
    const userProblems = UsersService.validateNewUser({ email, password, role: Role.Expert, fullName: fullName || 'x' });
    for (const p of userProblems) {
      const [field, ...rest] = p.split(': ');
      if (field === 'email' || field === 'password') bad(field, rest.join(': '));
    }
    if (!UUID_RE.test(territoryId) || !(await m.query(`SELECT 1 FROM territories WHERE id = $1 AND active`, [territoryId])).length) {
      bad('territoryId', 'неизвестная территория');
    }
    if (!organizationName || organizationName.length > 300) bad('organizationName', 'укажите организацию (до 300 символов)');
    if (!position || position.length > 200) bad('position', 'укажите должность (до 200 символов)');
    if (typeof input.about !== 'undefined' && input.about !== null && typeof input.about !== 'string') bad('about', 'должно быть строкой');
    else if (about.length > 2000) bad('about', 'не более 2000 символов');
    const competences = [...new Set(rawCompetences.map((c) => (typeof c === 'string' ? c.trim() : '')))];
    if (!competences.length || competences.length > 20) bad('competences', 'выберите хотя бы одно направление');
    else {
      const known: { code: string }[] = await m.query(`SELECT code FROM directions WHERE code = ANY($1::text[])`, [competences]);
      const unknown = competences.filter((c) => !known.some((k) => k.code === c));
      if (unknown.length) bad('competences', `неизвестное направление: ${unknown.map((c) => `«${c}»`).join(', ')}`);
    }
    if (problems.length) throw new ValidationError(problems, fields);
    return { email, password, fullName, territoryId, organizationName, position, competences, about };
  }

  /** A public application: an expert account (email unconfirmed), its registry entry, and the confirmation email. */
  async apply(input: ExpertApplicationInput, ip = 'unknown'): Promise<{ id: string; status: ExpertStatus }> {
    await this.throttle.check(ip);
    const result = await this.dataSource.transaction(async (m) => {
      const data = await this.validateApplication(m, input);
      const user = await this.users.create(
        { email: data.email, password: data.password, role: Role.Expert, fullName: data.fullName, emailConfirmed: false },
        m,
      );
      // a known organization of the same territory is linked, so the conflict-of-interest rule can see it
      const [org] = await m.query(`SELECT id FROM organizations WHERE territory_id = $1 AND lower(name) = lower($2) LIMIT 1`, [
        data.territoryId,
        data.organizationName,
      ]);
      await m.query(
        `INSERT INTO expert_profiles (user_id, status, territory_id, organization_id, organization_name, position, competences, about)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8)`,
        [
          user.id,
          ExpertStatus.Applied,
          data.territoryId,
          org?.id ?? null,
          data.organizationName,
          data.position,
          data.competences,
          data.about,
        ],
      );
      const token = await this.issueToken(m, user.id, UserTokenKind.EmailConfirmation, CONFIRMATION_TTL_HOURS);
      await this.mail.queue(m, {
        to: user.email,
        template: 'expert-confirmation',
        context: { fullName: user.fullName, confirmPath: `/experts/confirm?token=${token}`, ttlHours: CONFIRMATION_TTL_HOURS },
      });
      await this.audit.record(m, { actorId: user.id, action: 'expert.applied', entityType: 'expert', entityId: user.id });
      this.logger.log({ expertId: user.id }, 'expert applied');
      return { id: user.id, status: ExpertStatus.Applied };
    });
    await this.throttle.record(ip);
    return result;
  }

  private async issueToken(m: EntityManager, userId: string, kind: UserTokenKind, ttlHours: number): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await m.query(
      `INSERT INTO user_tokens (user_id, kind, token_hash, expires_at) VALUES ($1, $2, $3, now() + ($4::int * interval '1 hour'))`,
      [userId, kind, sha256(token), ttlHours],
    );
    return token;
  }

  /** Uses a confirmation token once; only its sha256 is stored. */
  async confirmEmail(token: string): Promise<ConfirmOutcome> {
    if (typeof token !== 'string' || !token || token.length > 200) return 'unknown';
    const hash = sha256(token);
    return this.dataSource.transaction(async (m) => {
      // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount]
      const [used]: [{ user_id: string }[], number] = await m.query(
        `UPDATE user_tokens SET used_at = now()
          WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
        [hash, UserTokenKind.EmailConfirmation],
      );
      if (!used.length) {
        const [row] = await m.query(`SELECT used_at FROM user_tokens WHERE token_hash = $1 AND kind = $2`, [
          hash,
          UserTokenKind.EmailConfirmation,
        ]);
        return !row ? 'unknown' : row.used_at ? 'used' : 'expired';
      }
      await m.query(`UPDATE users SET email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now() WHERE id = $1`, [
        used[0].user_id,
      ]);
      await this.audit.record(m, {
        actorId: used[0].user_id,
        action: 'expert.email_confirmed',
        entityType: 'expert',
        entityId: used[0].user_id,
      });
      return 'confirmed';
    });
  }

  validateFilter(filter: ExpertFilter): ExpertFilter {
    const problems: string[] = [];
    const out: ExpertFilter = {};
    if (filter.status) {
      if (!Object.values(ExpertStatus).includes(filter.status as ExpertStatus))
        problems.push('status: допустимы applied, approved, rejected, suspended');
      else out.status = filter.status;
    }
    if (filter.territoryId) {
      if (!UUID_RE.test(filter.territoryId)) problems.push('territoryId: неверный идентификатор территории');
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
    if (!UUID_RE.test(id)) throw new NotFoundError('Эксперт');
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
   */
  async changeStatus(actorId: string, expertId: string, action: ExpertAction, reason?: unknown): Promise<ExpertView> {
    if (reason !== undefined && reason !== null && typeof reason !== 'string') throw new ValidationError('reason: должно быть строкой');
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (why.length > 2000) throw new ValidationError('reason: не более 2000 символов');
    if (action === 'suspend' && !why)
      throw new ValidationError('reason: укажите причину приостановки', { reason: 'укажите причину приостановки' });
    if (!UUID_RE.test(expertId)) throw new NotFoundError('Эксперт');
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
        action: `expert.${action}`,
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
