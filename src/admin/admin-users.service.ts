import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { Role } from '../accounts/entities/user.entity';
import { UserTokenKind } from '../accounts/entities/user-token.entity';
import { ROLE_LABELS } from '../accounts/role-labels';
import { SessionService } from '../accounts/session.service';
import { UsersService } from '../accounts/users.service';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { ConflictError, NotFoundError, ValidationError } from '../common/domain-error';
import { MailService } from '../mail/mail.service';
import { AdminUserRow, AdminUsersRepository } from './admin-users.repository';
import { isEmailAddress } from '../accounts/email-address';

/** How long the emailed "set your own password" link works. */
export const SET_PASSWORD_TTL_HOURS = 72;

export const LAST_ADMIN = 'Нельзя оставить систему без администратора: это последний действующий администратор';
export const NOT_YOURSELF = 'Свою учётную запись может заблокировать или понизить в роли только другой администратор';

/**
 * Accounts managed by administrators. A new account gets an emailed single-use link to set its own password (the
 * password-reset token mechanism, with a longer life): an administrator never types or sees anyone's password.
 * Blocking ends every session of the user at once; the last active administrator can be neither blocked nor demoted.
 */
@Injectable()
export class AdminUsersService {
  private readonly logger = new Logger(AdminUsersService.name);

  constructor(
    private readonly repo: AdminUsersRepository,
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
  ) {}

  static parseRole(value: unknown): Role {
    if (typeof value !== 'string' || !Object.values(Role).includes(value as Role)) {
      throw new ValidationError('role: выберите роль', { role: 'выберите роль из списка' });
    }
    return value as Role;
  }

  async create(actorId: string, input: { email?: unknown; fullName?: unknown; role?: unknown }): Promise<AdminUserRow> {
    const email = typeof input.email === 'string' ? input.email.trim() : '';
    const fullName = typeof input.fullName === 'string' ? input.fullName.trim() : '';
    const fields: Record<string, string> = {};
    if (!fullName || fullName.length > 200) fields.fullName = 'укажите фамилию, имя и отчество (до 200 символов)';
    if (email.length > 254 || !isEmailAddress(email)) fields.email = 'укажите адрес электронной почты, например ivanova@school.ru';
    if (typeof input.role !== 'string' || !Object.values(Role).includes(input.role as Role)) fields.role = 'выберите роль из списка';
    if (Object.keys(fields).length) throw new ValidationError(Object.values(fields), fields);
    const role = input.role as Role;
    return this.repo.transaction(async (m) => {
      // a password nobody knows: the person sets their own through the emailed link
      const password = randomBytes(32).toString('base64url');
      let user;
      try {
        user = await this.users.create({ email, password, role, fullName, emailConfirmed: false }, m);
      } catch (err) {
        if (err instanceof ConflictError)
          throw new ValidationError('email: пользователь с таким адресом уже есть', { email: 'пользователь с таким адресом уже есть' });
        throw err;
      }
      await this.sendLink(m, { id: user.id, email: user.email, full_name: user.fullName, role });
      await this.audit.record(m, { actorId, action: AuditAction.UserCreate, entityType: 'user', entityId: user.id, after: { role } });
      this.logger.log({ userId: user.id, role }, 'user created by an administrator');
      return (await this.repo.find(user.id, m))!;
    });
  }

  private sendLink(m: EntityManager, user: { id: string; email: string; full_name: string; role: Role }): Promise<string> {
    return this.mail.queue(m, {
      to: user.email,
      template: 'account-invitation',
      context: { fullName: user.full_name, roleLabel: ROLE_LABELS[user.role], ttlHours: SET_PASSWORD_TTL_HOURS },
      // the reset token: consumed by the same /password-reset page, minted when the email is sent
      tokenLink: {
        kind: UserTokenKind.PasswordReset,
        userId: user.id,
        ttlHours: SET_PASSWORD_TTL_HOURS,
        path: '/password-reset',
        param: 'setPasswordPath',
      },
    });
  }

  async resendLink(actorId: string, userId: string): Promise<void> {
    await this.repo.transaction(async (m) => {
      const user = await this.repo.find(userId, m);
      if (!user) throw new NotFoundError('Пользователь');
      if (!user.active) throw new ConflictError('Пользователь заблокирован: сначала разблокируйте его');
      await this.sendLink(m, user);
      await this.audit.record(m, { actorId, action: AuditAction.UserLinkResent, entityType: 'user', entityId: userId });
    });
  }

  async changeRole(actorId: string, userId: string, roleInput: unknown): Promise<boolean> {
    const role = AdminUsersService.parseRole(roleInput);
    const changed = await this.repo.transaction(async (m) => {
      const admins = await this.repo.lockActiveAdmins(m);
      const user = await this.repo.find(userId, m, true);
      if (!user) throw new NotFoundError('Пользователь');
      if (user.role === role) return false;
      if (user.role === Role.Admin) this.keepAnAdmin(actorId, userId, admins);
      await this.repo.setRole(m, userId, role);
      await this.audit.record(m, {
        actorId,
        action: AuditAction.UserRoleChange,
        entityType: 'user',
        entityId: userId,
        before: { role: user.role },
        after: { role },
      });
      return true;
    });
    // a session carries the role it was opened with: the person signs in again with the new one
    if (changed) await this.sessions.destroyAllFor(userId);
    return changed;
  }

  async setBlocked(actorId: string, userId: string, blocked: boolean): Promise<void> {
    const changed = await this.repo.transaction(async (m) => {
      const admins = await this.repo.lockActiveAdmins(m);
      const user = await this.repo.find(userId, m, true);
      if (!user) throw new NotFoundError('Пользователь');
      if (user.active === !blocked) return false;
      if (blocked && user.role === Role.Admin) this.keepAnAdmin(actorId, userId, admins);
      await this.repo.setActive(m, userId, !blocked);
      await this.audit.record(m, {
        actorId,
        action: blocked ? AuditAction.UserBlock : AuditAction.UserUnblock,
        entityType: 'user',
        entityId: userId,
        before: { active: user.active },
        after: { active: !blocked },
      });
      return true;
    });
    // after the commit: a request arriving in between still finds the account blocked at its next login
    if (changed && blocked) await this.sessions.destroyAllFor(userId);
  }

  private keepAnAdmin(actorId: string, userId: string, activeAdmins: string[]): void {
    if (activeAdmins.includes(userId) && activeAdmins.length <= 1) throw new ConflictError(LAST_ADMIN);
    if (actorId === userId) throw new ConflictError(NOT_YOURSELF);
  }
}
