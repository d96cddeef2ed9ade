import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, JobPayloads, QueueName } from '../queue/queue-registry';
import { ResultsService } from './results.service';

@Processor(QueueName.Aggregation)
export class AggregateProcessor {
  constructor(private readonly results: ResultsService) {}

  @Process(JobName.AggregateResults)
  async aggregate(job: Job<JobPayloads[JobName.AggregateResults]>): Promise<string | null> {
    const snapshot = await this.results.aggregate(job.data.campaignId);
    return snapshot?.id ?? null;
  }
}
