import { Module } from '@nestjs/common';
import { PasswordService } from '../accounts/password.service';
import { UsersRepository } from '../accounts/users.repository';
import { UsersService } from '../accounts/users.service';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { DocumentsRepository } from '../campaigns/documents.repository';
import { QuestionsRepository } from '../campaigns/questions.repository';
import { QuestionsService } from '../campaigns/questions.service';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { ReferenceModule } from '../reference/reference.module';
import { StorageModule } from '../storage/storage.module';
import { CliRepository } from './cli.repository';
import { DemoSeedService } from './demo-seed.service';
import { UserCommandService } from './user-command.service';

/**
 * What the command line needs: config, PostgreSQL, accounts, reference data, storage. No Redis and no queues, so
 * migrations and seeding work before Redis is up (docker compose's one-shot `migrate` service). Reference and storage
 * come as modules; accounts, audit and campaigns import mail and queues, so the CLI provides the few of their
 * repositories and services it calls, which touch PostgreSQL only.
 */
@Module({
  imports: [AppConfigModule, DatabaseModule, ReferenceModule, StorageModule],
  providers: [
    PasswordService,
    UsersRepository,
    UsersService,
    AuditRepository,
    AuditService,
    CampaignsRepository,
    DocumentsRepository,
    QuestionsRepository,
    QuestionsService,
    CliRepository,
    DemoSeedService,
    UserCommandService,
  ],
})
export class CliModule {}
