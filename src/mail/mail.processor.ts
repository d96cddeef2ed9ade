import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, JobPayloads, QueueName } from '../queue/queue-registry';
import { MailService } from './mail.service';

@Processor(QueueName.Mail)
export class MailProcessor {
  constructor(private readonly mail: MailService) {}

  @Process(JobName.SendMail)
  async send(job: Job<JobPayloads[JobName.SendMail]>): Promise<string> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.mail.deliver(job.data.mailId, finalAttempt);
  }
}
