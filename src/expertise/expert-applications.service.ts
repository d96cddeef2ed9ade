import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Role, User } from '../accounts/entities/user.entity';
import { UserTokenKind } from '../accounts/entities/user-token.entity';
import { consumeUserToken, TokenRefusal } from '../accounts/user-tokens';
import { UsersService } from '../accounts/users.service';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { ConflictError, ValidationError } from '../common/domain-error';
import { AppConfig } from '../config/app.config';
import { MailService, QueueMailInput } from '../mail/mail.service';
import { ReferenceService } from '../reference/reference.service';
import { ApplicationThrottleService } from './application-throttle.service';
import { ExpertApplicationsRepository } from './expert-applications.repository';
import { ExpertProfilesRepository } from './expert-profiles.repository';
import { ExpertStatus } from './expert-status';
import { isUuid } from '../common/uuid';

export interface ExpertApplicationInput {
  email?: unknown;
  password?: unknown;
  fullName?: unknown;
  territoryId?: unknown;
  organizationName?: unknown;
  position?: unknown;
  competences?: unknown;
  about?: unknown;
  /** 152-FZ consent to personal-data processing: true (API) or the checked box "on" (page) */
  consent?: unknown;
}

export type ConfirmOutcome = 'confirmed' | TokenRefusal;

/** How long an emailed confirmation link works. */
export const CONFIRMATION_TTL_HOURS = 48;
/** The confirmation email of an application (sent again on request): the single-use link is minted at sending time. */
export function confirmationMail(user: { id: string; email: string; fullName: string }): QueueMailInput {
  return {
    to: user.email,
    template: 'expert-confirmation',
    context: { fullName: user.fullName, ttlHours: CONFIRMATION_TTL_HOURS },
    // minted when the email is sent: the raw token is never stored
    tokenLink: {
      kind: UserTokenKind.EmailConfirmation,
      userId: user.id,
      ttlHours: CONFIRMATION_TTL_HOURS,
      path: '/experts/confirm',
      param: 'confirmPath',
    },
  };
}

/** Public expert applications: the account and registry entry (status applied), and the email confirmation link. */
@Injectable()
export class ExpertApplicationsService {
  private readonly logger = new Logger(ExpertApplicationsService.name);

  constructor(
    private readonly repo: ExpertApplicationsRepository,
    private readonly profiles: ExpertProfilesRepository,
    private readonly reference: ReferenceService,
    private readonly users: UsersService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly throttle: ApplicationThrottleService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Validates everything (types too: the page form calls this directly) and reports each bad field. Outside any
   * transaction: nothing is held open while user input is examined, and lengths are checked before anything else.
   */
  private async validateApplication(input: ExpertApplicationInput) {
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
    if (!isUuid(territoryId) || !(await this.reference.territories()).some((t) => t.id === territoryId && t.active)) {
      bad('territoryId', 'неизвестная территория');
    }
    if (!organizationName || organizationName.length > 300) bad('organizationName', 'укажите организацию (до 300 символов)');
    if (!position || position.length > 200) bad('position', 'укажите должность (до 200 символов)');
    if (typeof input.about !== 'undefined' && input.about !== null && typeof input.about !== 'string') bad('about', 'должно быть строкой');
    else if (about.length > 2000) bad('about', 'не более 2000 символов');
    const competences = [...new Set(rawCompetences.map((c) => (typeof c === 'string' ? c.trim() : '')))];
    if (!competences.length || competences.length > 20) bad('competences', 'выберите хотя бы одно направление');
    else {
      const known = (await this.reference.codeLists()).directions;
      const unknown = competences.filter((c) => !known.some((k) => k.code === c));
      if (unknown.length) bad('competences', `неизвестное направление: ${unknown.map((c) => `«${c}»`).join(', ')}`);
    }
    if (input.consent !== true && input.consent !== 'on')
      bad('consent', 'без согласия на обработку персональных данных заявку принять нельзя');
    if (problems.length) throw new ValidationError(problems, fields);
    return { email, password, fullName, territoryId, organizationName, position, competences, about };
  }

  /**
   * A public application: an expert account (email unconfirmed), its registry entry, and the confirmation email. An
   * address that already has an account gets the same answer (so the form does not tell who is registered); its
   * owner gets an email saying so instead, and nothing else changes.
   */
  async apply(input: ExpertApplicationInput, ip = 'unknown'): Promise<{ id: string; status: ExpertStatus }> {
    await this.throttle.count(ip);
    const data = await this.validateApplication(input);
    return this.repo.transaction(async (m) => {
      let user: User;
      try {
        user = await this.users.create(
          { email: data.email, password: data.password, role: Role.Expert, fullName: data.fullName, emailConfirmed: false },
          m,
        );
      } catch (err) {
        // the insert did nothing (ON CONFLICT DO NOTHING), so the transaction is still usable
        if (!(err instanceof ConflictError)) throw err;
        await this.notifyExistingAccount(m, data.email);
        return { id: randomUUID(), status: ExpertStatus.Applied };
      }
      await this.createProfile(m, user.id, data);
      await this.mail.queue(m, confirmationMail(user));
      await this.audit.record(m, { actorId: user.id, action: AuditAction.ExpertApplied, entityType: 'expert', entityId: user.id });
      this.logger.log({ expertId: user.id }, 'expert applied');
      return { id: user.id, status: ExpertStatus.Applied };
    });
  }

  private async createProfile(
    m: EntityManager,
    userId: string,
    data: Awaited<ReturnType<ExpertApplicationsService['validateApplication']>>,
  ) {
    await this.profiles.insert(m, {
      userId,
      territoryId: data.territoryId,
      // a known organization of the same territory is linked, so the conflict-of-interest rule can see it
      organizationId: await this.profiles.organizationNamed(m, data.territoryId, data.organizationName),
      organizationName: data.organizationName,
      position: data.position,
      competences: data.competences,
      about: data.about,
      // which policy text the applicant agreed to: the text may change later, the consent stays tied to this one
      consentVersion: this.config.PRIVACY_POLICY_VERSION,
    });
  }

  /** "Someone applied with your address": the owner learns of it (and how to sign in), the applicant learns nothing. */
  private async notifyExistingAccount(m: EntityManager, email: string): Promise<void> {
    const owner = await this.repo.accountByEmail(m, UsersService.normalizeEmail(email));
    if (!owner) return;
    await this.mail.queue(m, { to: owner.email, template: 'expert-application-existing', context: { fullName: owner.full_name } });
    this.logger.log({ userId: owner.id }, 'expert application for an existing account: owner notified');
  }

  /** Uses a confirmation token once; only its sha256 is stored. */
  async confirmEmail(token: string): Promise<ConfirmOutcome> {
    if (typeof token !== 'string' || !token || token.length > 200) return 'unknown';
    return this.repo.transaction(async (m) => {
      const used = await consumeUserToken(m, token, UserTokenKind.EmailConfirmation);
      if ('refusal' in used) return used.refusal;
      await this.repo.confirmEmail(m, used.userId);
      await this.audit.record(m, {
        actorId: used.userId,
        action: AuditAction.ExpertEmailConfirmed,
        entityType: 'expert',
        entityId: used.userId,
      });
      return 'confirmed';
    });
  }
}
