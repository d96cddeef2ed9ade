import { Module } from '@nestjs/common';
import { AggregationService } from './aggregation.service';
import { ResultsController } from './results.controller';
import { ResultsService } from './results.service';

@Module({
  controllers: [ResultsController],
  providers: [AggregationService, ResultsService],
  exports: [ResultsService, AggregationService],
})
export class ResultsModule {}
