import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { QueueModule } from '../queue/queue.module';
import { ReferenceModule } from '../reference/reference.module';
import { PublicCampaignsController } from './public-campaigns.controller';
import { PublicPagesController } from './public.pages.controller';
import { QuestionnairePageService } from './questionnaire-page.service';
import { QuestionnaireRepository } from './questionnaire.repository';
import { QuestionnaireService } from './questionnaire.service';
import { ResponsesModerationService } from './responses-moderation.service';
import { ResponsesController } from './responses.controller';
import { ResponsesPagesController } from './responses.pages.controller';
import { ResponseBatchesRepository } from './response-batches.repository';
import { ResponsesRepository } from './responses.repository';
import { ResponseWriterService } from './response-writer.service';
import { SubmissionRateLimitService } from './submission-rate-limit.service';
import { SubmissionService } from './submission.service';
import { ResultsModule } from '../results/results.module';

/** Public discussion: the questionnaire, submissions (group commit, idempotent), and the organizer's view of responses. */
@Module({
  imports: [AuditModule, QueueModule, ReferenceModule, ResultsModule],
  controllers: [PublicCampaignsController, PublicPagesController, ResponsesController, ResponsesPagesController],
  providers: [
    ResponsesRepository,
    ResponseBatchesRepository,
    QuestionnaireRepository,
    QuestionnaireService,
    QuestionnairePageService,
    ResponseWriterService,
    SubmissionRateLimitService,
    SubmissionService,
    ResponsesModerationService,
  ],
  exports: [QuestionnaireService],
})
export class DiscussionModule {}
