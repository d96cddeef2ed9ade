import { Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/domain-error';
import { Role } from './entities/user.entity';
import { AccountThrottleService, LOGIN_FAILURES } from './account-throttle.service';
import { PasswordService } from './password.service';
import { SessionService } from './session.service';
import { UsersService } from './users.service';

export interface LoginResult {
  accessToken: string;
  csrfToken: string;
  user: { id: string; email: string; role: Role; fullName: string };
}

export const BAD_CREDENTIALS = 'Неверный адрес электронной почты или пароль';

@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly throttle: AccountThrottleService,
  ) {}

  async login(email: string, password: string, ip: string): Promise<LoginResult> {
    if (typeof email !== 'string' || typeof password !== 'string' || !email || !password || email.length > 254 || password.length > 200) {
      throw new DomainError(ErrorCode.ValidationFailed, ['email: укажите адрес', 'password: укажите пароль']);
    }
    // counted before the password is checked, atomically: of N concurrent guesses only those within the limit get
    // to the check, the rest are refused here
    const limits = await this.throttle.record(LOGIN_FAILURES, email, ip);
    if (limits.overAccount || limits.overAddress) {
      throw new DomainError(ErrorCode.RateLimited, 'Слишком много неудачных попыток входа. Повторите через 15 минут.');
    }
    const user = await this.users.findByEmailWithPassword(email);
    // verify even for unknown accounts so timing does not reveal which emails exist
    const ok = await this.passwords.verify(user?.passwordHash ?? DUMMY_HASH, password);
    if (!user || !ok || !user.active) {
      this.logger.warn({ userId: user?.id ?? null }, 'login failed');
      throw new DomainError(ErrorCode.Unauthenticated, BAD_CREDENTIALS);
    }
    await this.throttle.forgive(LOGIN_FAILURES, email, ip);
    const { token, data } = await this.sessions.create(user);
    this.logger.log({ userId: user.id, role: user.role }, 'login');
    return {
      accessToken: token,
      csrfToken: data.csrfToken,
      user: { id: user.id, email: user.email, role: user.role, fullName: user.fullName },
    };
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.destroy(sessionId);
  }
}

// argon2id hash of a random string: verifying against it costs as much as a real check
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0cAkcFU6d6zbmS3xAuTAi/ph/wNVyf4oTkhCvqGGgQk';
