import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MailModule } from '../mail/mail.module';
import { AuthPagesController } from './auth.pages.controller';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AccountThrottleService } from './account-throttle.service';
import { AuthService } from './auth.service';
import { MailLinkTokens } from './mail-link-tokens';
import { PasswordResetService } from './password-reset.service';
import { PasswordService } from './password.service';
import { SessionService } from './session.service';
import { UserTokensRepository } from './user-tokens.repository';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [MailModule],
  controllers: [AuthController, AuthPagesController],
  providers: [
    UsersRepository,
    UserTokensRepository,
    PasswordService,
    SessionService,
    AccountThrottleService,
    UsersService,
    AuthService,
    PasswordResetService,
    MailLinkTokens,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [PasswordService, SessionService, UsersService, AuthService],
})
export class AccountsModule {}
