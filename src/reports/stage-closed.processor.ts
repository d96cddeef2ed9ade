import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, JobPayloads, QueueName } from '../queue/queue-registry';
import { FinalReportsService } from './final-reports.service';

@Processor(QueueName.Aggregation)
export class StageClosedProcessor {
  constructor(private readonly finals: FinalReportsService) {}

  @Process(JobName.StageClosed)
  async stageClosed(job: Job<JobPayloads[JobName.StageClosed]>): Promise<void> {
    await this.finals.onStageClosed(job.data.campaignId, job.data.stage);
  }
}
