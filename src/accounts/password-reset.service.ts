import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode, ValidationError } from '../common/domain-error';
import { MailService } from '../mail/mail.service';
import { AccountThrottleService, PASSWORD_RESET_REQUESTS } from './account-throttle.service';
import { UserTokenKind } from './entities/user-token.entity';
import { PasswordService } from './password.service';
import { SessionService } from './session.service';
import { TokenRefusal, UserTokensRepository } from './user-tokens.repository';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

export const RESET_TTL_HOURS = 1;
export type ResetOutcome = 'changed' | TokenRefusal;

export const RESET_RATE_LIMITED = 'Слишком много запросов, попробуйте позже';

export const RESET_REFUSED: Record<Exclude<ResetOutcome, 'changed'>, string> = {
  unknown: 'token: ссылка для смены пароля недействительна',
  used: 'token: ссылка для смены пароля уже использована',
  expired: 'token: срок действия ссылки для смены пароля истёк',
};

/**
 * "Forgot password": a single-use token valid one hour, sent by email. The request answers the same whether or not
 * the address exists (no account enumeration); the token is minted when the email is sent and only its sha256 is
 * stored (MailTokenLink); links use APP_URL, never the Host.
 * Requests are counted per address asked for and per client address (PASSWORD_RESET_REQUESTS), whether or not an
 * account exists: past the first limit nothing is sent but the answer is the same, past the second the client gets 429.
 */
@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger(PasswordResetService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly tokens: UserTokensRepository,
    private readonly mail: MailService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly throttle: AccountThrottleService,
  ) {}

  async request(email: unknown, ip: string): Promise<void> {
    if (typeof email !== 'string' || email.length > 254) return;
    const limits = await this.throttle.record(PASSWORD_RESET_REQUESTS, email, ip);
    if (limits.overAddress) throw new DomainError(ErrorCode.RateLimited, RESET_RATE_LIMITED);
    if (limits.overAccount) {
      // decided before the account is looked up: nothing on this path depends on whether it exists
      this.logger.warn('password reset not sent: too many requests for this address');
      return;
    }
    const normalized = UsersService.normalizeEmail(email);
    await this.users.transaction(async (m) => {
      const user = await this.users.findActiveByEmail(m, normalized);
      if (!user) return;
      // the token is minted when the email is sent (and replaces the earlier links then), so it is never stored
      await this.mail.queue(m, {
        to: normalized,
        template: 'password-reset',
        context: { fullName: user.full_name, ttlHours: RESET_TTL_HOURS },
        tokenLink: {
          kind: UserTokenKind.PasswordReset,
          userId: user.id,
          ttlHours: RESET_TTL_HOURS,
          path: '/password-reset',
          param: 'resetPath',
        },
      });
      this.logger.log({ userId: user.id }, 'password reset requested');
    });
  }

  async reset(token: unknown, password: unknown): Promise<ResetOutcome> {
    if (typeof token !== 'string' || !token || token.length > 200) return 'unknown';
    if (typeof password !== 'string' || password.length < PasswordService.MIN_LENGTH || password.length > 200) {
      throw new ValidationError([`password: пароль должен быть от ${PasswordService.MIN_LENGTH} до 200 символов`]);
    }
    const passwordHash = await this.passwords.hash(password);
    const outcome = await this.users.transaction(async (m): Promise<{ outcome: ResetOutcome; userId?: string }> => {
      const used = await this.tokens.consume(m, token, UserTokenKind.PasswordReset);
      if ('refusal' in used) return { outcome: used.refusal };
      // the emailed link reached its owner, so the address is confirmed too (accounts an administrator created)
      await this.users.setPasswordConfirmingEmail(m, used.userId, passwordHash);
      return { outcome: 'changed', userId: used.userId };
    });
    // whoever knew the old password is signed out everywhere
    if (outcome.userId) await this.sessions.destroyAllFor(outcome.userId);
    return outcome.outcome;
  }
}
