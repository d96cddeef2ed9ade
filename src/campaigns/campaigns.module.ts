import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { QueueModule } from '../queue/queue.module';
import { ReferenceModule } from '../reference/reference.module';
import { StorageModule } from '../storage/storage.module';
import { ProposalsModule } from '../proposals/proposals.module';
import { CampaignFiguresRepository } from './campaign-figures.repository';
import { CampaignFiguresService } from './campaign-figures.service';
import { CampaignLifecycleRepository } from './campaign-lifecycle.repository';
import { CampaignLifecycleService } from './campaign-lifecycle.service';
import { CampaignPageService } from './campaign-page.service';
import { CampaignQuestionsPagesController } from './campaign-questions.pages.controller';
import { CampaignsController } from './campaigns.controller';
import { CampaignsPagesController } from './campaigns.pages.controller';
import { CampaignsRepository } from './campaigns.repository';
import { CampaignsService } from './campaigns.service';
import { DocumentsController, PublicDocumentFilesController } from './documents.controller';
import { DocumentsRepository } from './documents.repository';
import { DocumentsService } from './documents.service';
import { QuestionsController } from './questions.controller';
import { QuestionsRepository } from './questions.repository';
import { QuestionsService } from './questions.service';
import { ResultsModule } from '../results/results.module';
import { CampaignWorkRepository } from './campaign-work.repository';
import { TransitionConsequencesService } from './transition-consequences.service';

/** Campaigns, documents, questionnaire, criteria and the lifecycle (the worker's scheduler calls the lifecycle). */
@Module({
  imports: [AuditModule, QueueModule, ReferenceModule, ResultsModule, StorageModule, ProposalsModule],
  controllers: [
    CampaignsController,
    DocumentsController,
    QuestionsController,
    PublicDocumentFilesController,
    CampaignsPagesController,
    CampaignQuestionsPagesController,
  ],
  providers: [
    CampaignsRepository,
    DocumentsRepository,
    QuestionsRepository,
    CampaignFiguresRepository,
    CampaignsService,
    DocumentsService,
    QuestionsService,
    CampaignLifecycleService,
    CampaignLifecycleRepository,
    CampaignFiguresService,
    CampaignPageService,
    CampaignWorkRepository,
    TransitionConsequencesService,
  ],
  exports: [CampaignsService, DocumentsService, QuestionsService, CampaignLifecycleService, CampaignFiguresService],
})
export class CampaignsModule {}
