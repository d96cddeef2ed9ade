import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, JobPayloads, QueueName } from '../queue/queue-registry';
import { ExpertNotificationsService } from './expert-notifications.service';

/** Expertise opened (or experts assigned during it): invite whoever is not invited yet. Safe to run twice. */
@Processor(QueueName.Mail)
export class InviteExpertsProcessor {
  constructor(private readonly notifications: ExpertNotificationsService) {}

  @Process(JobName.InviteExperts)
  async invite(job: Job<JobPayloads[JobName.InviteExperts]>): Promise<number> {
    return this.notifications.inviteExperts(job.data.campaignId);
  }
}
