import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { QueueModule } from '../queue/queue.module';
import { AggregationService } from './aggregation.service';
import { CoverageRepository } from './coverage.repository';
import { ResultsController } from './results.controller';
import { ResultsService } from './results.service';

/** Results snapshots: the worker's processors compute them, writers (responses, reviews) request a refresh. */
@Module({
  imports: [AuditModule, QueueModule],
  controllers: [ResultsController],
  providers: [AggregationService, ResultsService, CoverageRepository],
  exports: [ResultsService, AggregationService, CoverageRepository],
})
export class ResultsModule {}
