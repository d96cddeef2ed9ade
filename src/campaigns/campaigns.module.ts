import { Global, Module } from '@nestjs/common';
import { CampaignFiguresService } from './campaign-figures.service';
import { CampaignLifecycleService } from './campaign-lifecycle.service';
import { CampaignsController } from './campaigns.controller';
import { CampaignsPagesController } from './campaigns.pages.controller';
import { CampaignsService } from './campaigns.service';
import { DocumentsController, PublicDocumentFilesController } from './documents.controller';
import { DocumentsService } from './documents.service';
import { QuestionsController } from './questions.controller';
import { QuestionsService } from './questions.service';

/** Campaigns, documents, questionnaire, criteria and the lifecycle. Global: the worker's scheduler uses the lifecycle. */
@Global()
@Module({
  controllers: [CampaignsController, DocumentsController, QuestionsController, PublicDocumentFilesController, CampaignsPagesController],
  providers: [CampaignsService, DocumentsService, QuestionsService, CampaignLifecycleService, CampaignFiguresService],
  exports: [CampaignsService, DocumentsService, QuestionsService, CampaignLifecycleService, CampaignFiguresService],
})
export class CampaignsModule {}
