import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, JobPayloads, QueueName } from '../queue/queue-registry';
import { MailService } from './mail.service';

/**
 * Bull takes a handler's concurrency when the class is declared, before Nest reads the configuration, so it comes
 * from the environment here; AppConfig validates the same variable at boot and stops the process on a bad value.
 */
const MAIL_CONCURRENCY = Math.max(1, Number(process.env.MAIL_CONCURRENCY ?? 10) || 10);

@Processor(QueueName.Mail)
export class MailProcessor {
  constructor(private readonly mail: MailService) {}

  @Process({ name: JobName.SendMail, concurrency: MAIL_CONCURRENCY })
  async send(job: Job<JobPayloads[JobName.SendMail]>): Promise<string> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.mail.deliver(job.data.mailId, finalAttempt);
  }
}
