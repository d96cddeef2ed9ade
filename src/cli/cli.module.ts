import { Module } from '@nestjs/common';
import { PasswordService } from '../accounts/password.service';
import { UsersService } from '../accounts/users.service';
import { AuditRepository } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { QuestionsService } from '../campaigns/questions.service';
import { AppConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { ReferenceService } from '../reference/reference.service';
import { StorageService } from '../storage/storage.service';
import { DemoSeedService } from './demo-seed.service';
import { UserCommandService } from './user-command.service';

/**
 * What the command line needs: config, PostgreSQL, accounts, reference data, storage. No Redis and no queues,
 * so migrations and seeding work before Redis is up (docker compose's one-shot `migrate` service).
 */
@Module({
  imports: [AppConfigModule, DatabaseModule],
  providers: [
    PasswordService,
    UsersService,
    ReferenceService,
    StorageService,
    AuditRepository,
    AuditService,
    QuestionsService,
    DemoSeedService,
    UserCommandService,
  ],
})
export class CliModule {}
