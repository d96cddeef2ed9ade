import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MailService } from '../mail/mail.service';
import type { UserTokenKind } from './entities/user-token.entity';
import { issueUserToken } from './user-tokens';

/**
 * Gives the mail worker the way to mint the single-use tokens of emailed links (password reset, email confirmation,
 * setting a first password) at the moment a message is sent, so the dependency runs one way: accounts → mail.
 */
@Injectable()
export class MailLinkTokens implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: MailService,
  ) {}

  onModuleInit(): void {
    this.mail.registerLinkMinter((link) =>
      this.dataSource.transaction((m) => issueUserToken(m, link.userId, link.kind as UserTokenKind, link.ttlHours)),
    );
  }
}
