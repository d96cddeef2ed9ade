import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { MailModule } from '../mail/mail.module';
import { QueueModule } from '../queue/queue.module';
import { ReferenceModule } from '../reference/reference.module';
import { BaseSiteChoicesRepository } from '../discussion/base-site-choices.repository';
import { ExpertiseModule } from '../expertise/expertise.module';
import { ReferenceAdminModule } from '../reference/reference-admin.module';
import { AdminUsersPagesController } from './admin-users.pages.controller';
import { AdminUsersRepository } from './admin-users.repository';
import { AdminUsersService } from './admin-users.service';
import { BaseSitesPagesController } from './base-sites.pages.controller';
import { ExpertPersonalDataPagesController } from './expert-personal-data.pages.controller';
import { ExpertPersonalDataService } from './expert-personal-data.service';
import { OperationsPagesController } from './operations.pages.controller';
import { OperationsRepository } from './operations.repository';
import { OrganizationsPagesController } from './organizations.pages.controller';
import { PrivacyPagesController } from './privacy.pages.controller';
import { TerritoriesPagesController } from './territories.pages.controller';

/**
 * Administration without the command line (issue 16): users and roles, territories and organizations (organizations
 * and the base-site network also for organizers), the operations page, experts' personal data on request, and the
 * privacy policy page. Pages only; the HTTP process loads it (AppModule).
 */
@Module({
  imports: [AccountsModule, AuditModule, CampaignsModule, ExpertiseModule, MailModule, QueueModule, ReferenceModule, ReferenceAdminModule],
  controllers: [
    AdminUsersPagesController,
    TerritoriesPagesController,
    OrganizationsPagesController,
    BaseSitesPagesController,
    OperationsPagesController,
    ExpertPersonalDataPagesController,
    PrivacyPagesController,
  ],
  providers: [AdminUsersRepository, AdminUsersService, BaseSiteChoicesRepository, OperationsRepository, ExpertPersonalDataService],
})
export class AdminModule {}
