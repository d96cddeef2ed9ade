import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { QueueModule } from '../queue/queue.module';
import { ProposalsModule } from '../proposals/proposals.module';
import { AggregationService } from './aggregation.service';
import { ResultsController } from './results.controller';
import { ResultsService } from './results.service';

/** Results snapshots: the worker's processors compute them, writers (responses, reviews) request a refresh. */
@Module({
  imports: [AuditModule, QueueModule, ProposalsModule],
  controllers: [ResultsController],
  providers: [AggregationService, ResultsService],
  exports: [ResultsService, AggregationService],
})
export class ResultsModule {}
