import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AuditModule } from '../audit/audit.module';
import { MailModule } from '../mail/mail.module';
import { QueueModule } from '../queue/queue.module';
import { ReferenceModule } from '../reference/reference.module';
import { ProposalsModule } from '../proposals/proposals.module';
import { ApplicationThrottleService } from './application-throttle.service';
import { AssignmentPlannerService } from './assignment-planner.service';
import { AssignmentsController } from './assignments.controller';
import { AssignmentsService } from './assignments.service';
import { ExpertApplicationsService } from './expert-applications.service';
import { ExpertNotificationsService } from './expert-notifications.service';
import { ExpertApplicationsPagesController } from './expert-applications.pages.controller';
import { ExpertAssignmentsPagesController } from './expert-assignments.pages.controller';
import { ExpertRegistryService } from './expert-registry.service';
import { ExpertsController } from './experts.controller';
import { MyAssignmentsController } from './my-assignments.controller';
import { OrganizerExpertsPagesController } from './organizer-experts.pages.controller';
import { OrganizerAssignmentsPagesController } from './organizer-assignments.pages.controller';
import { AssignmentPageService } from './assignment-page.service';
import { AssignmentsRepository } from './assignments.repository';
import { AssignmentLifecycleService } from './assignment-lifecycle.service';
import { AssignmentNoticesRepository } from './assignment-notices.repository';
import { ExpertProfilesRepository } from './expert-profiles.repository';
import { ExpertPersonalDataRepository } from './expert-personal-data.repository';
import { ReviewsRepository } from './reviews.repository';
import { ExpertApplicationsRepository } from './expert-applications.repository';
import { RegistryUpkeepService } from './registry-upkeep.service';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { PendingApplicationsInterceptor } from './pending-applications.interceptor';
import { RegistryExportService } from './registry-export.service';
import { ReviewsService } from './reviews.service';

/**
 * The expert registry, assignments, reviews, and the emails about them (the invitation processor is in WorkerModule;
 * the worker's scheduler calls the reminders).
 */
@Module({
  imports: [AccountsModule, AuditModule, MailModule, QueueModule, ReferenceModule, ProposalsModule],
  controllers: [
    ExpertsController,
    AssignmentsController,
    MyAssignmentsController,
    ExpertApplicationsPagesController,
    ExpertAssignmentsPagesController,
    OrganizerExpertsPagesController,
    OrganizerAssignmentsPagesController,
  ],
  providers: [
    ApplicationThrottleService,
    ExpertApplicationsService,
    ExpertRegistryService,
    RegistryExportService,
    AssignmentPlannerService,
    AssignmentsService,
    ReviewsService,
    ExpertNotificationsService,
    AssignmentLifecycleService,
    AssignmentsRepository,
    AssignmentNoticesRepository,
    AssignmentPageService,
    ExpertApplicationsRepository,
    ExpertProfilesRepository,
    ExpertPersonalDataRepository,
    ReviewsRepository,
    RegistryUpkeepService,
    { provide: APP_INTERCEPTOR, useClass: PendingApplicationsInterceptor },
  ],
  exports: [
    RegistryUpkeepService,
    ExpertRegistryService,
    AssignmentsService,
    ReviewsService,
    ExpertNotificationsService,
    ExpertPersonalDataRepository,
  ],
})
export class ExpertiseModule {}
