import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { QueueModule } from '../queue/queue.module';
import { ProposalsModule } from '../proposals/proposals.module';
import { AggregationService } from './aggregation.service';
import { AnalysisPagesController } from './analysis.pages.controller';
import { AnswersRepository } from './answers.repository';
import { AnswersService } from './answers.service';
import { BreakdownRepository } from './breakdown.repository';
import { BreakdownService } from './breakdown.service';
import { CoverageRepository } from './coverage.repository';
import { PublishedResultsRepository } from './published-results.repository';
import { ResultsController } from './results.controller';
import { ResultsSnapshotsRepository } from './results-snapshots.repository';
import { ResultsService } from './results.service';
import { RoundsController } from './rounds.controller';
import { RoundsRepository } from './rounds.repository';
import { RoundsService } from './rounds.service';
import { TalliesRepository } from './tallies.repository';

/** Results snapshots: the worker's processors compute them, writers (responses, reviews) request a refresh. */
@Module({
  imports: [AuditModule, QueueModule, ProposalsModule],
  controllers: [ResultsController, RoundsController, AnalysisPagesController],
  providers: [
    AggregationService,
    ResultsService,
    ResultsSnapshotsRepository,
    CoverageRepository,
    PublishedResultsRepository,
    BreakdownRepository,
    BreakdownService,
    AnswersRepository,
    AnswersService,
    RoundsRepository,
    RoundsService,
    TalliesRepository,
  ],
  exports: [ResultsService, AggregationService, CoverageRepository, PublishedResultsRepository],
})
export class ResultsModule {}
