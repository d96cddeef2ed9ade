import { Global, Module } from '@nestjs/common';
import { AggregationService } from './aggregation.service';
import { ResultsController } from './results.controller';
import { ResultsService } from './results.service';

/** Global: the worker's processors use it, and writers (responses, reviews) call ResultsService.requestRefresh. */
@Global()
@Module({
  controllers: [ResultsController],
  providers: [AggregationService, ResultsService],
  exports: [ResultsService, AggregationService],
})
export class ResultsModule {}
