import { Injectable, OnModuleInit } from '@nestjs/common';
import { MailService } from '../mail/mail.service';
import type { UserTokenKind } from './entities/user-token.entity';
import { UserTokensRepository } from './user-tokens.repository';

/**
 * Gives the mail worker the way to mint the single-use tokens of emailed links (password reset, email confirmation,
 * setting a first password) at the moment a message is sent, so the dependency runs one way: accounts → mail.
 */
@Injectable()
export class MailLinkTokens implements OnModuleInit {
  constructor(
    private readonly tokens: UserTokensRepository,
    private readonly mail: MailService,
  ) {}

  onModuleInit(): void {
    this.mail.registerLinkMinter((link) => this.tokens.issue(link.userId, link.kind as UserTokenKind, link.ttlHours));
  }
}
