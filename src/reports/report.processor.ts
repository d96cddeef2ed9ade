import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, JobPayloads, QueueName } from '../queue/queue-registry';
import { ReportsService } from './reports.service';

@Processor(QueueName.Reports)
export class ReportProcessor {
  constructor(private readonly reports: ReportsService) {}

  @Process(JobName.RenderReport)
  async render(job: Job<JobPayloads[JobName.RenderReport]>): Promise<string | null> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.reports.renderReport(job.data.reportId, finalAttempt);
  }
}
