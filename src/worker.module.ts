import { Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { InviteExpertsProcessor } from './expertise/invite-experts.processor';
import { MailProcessor } from './mail/mail.processor';
import { OutboxRelayService } from './queue/outbox-relay.service';
import { ReportProcessor } from './reports/report.processor';
import { StageClosedProcessor } from './reports/stage-closed.processor';
import { AggregateProcessor } from './results/aggregate.processor';
import { SchedulerProcessor, SchedulerRegistrar } from './scheduler/scheduler.processor';

/**
 * The worker process: the outbox relay and every queue processor. Processors are listed here, not in the
 * feature modules, so the HTTP process never consumes jobs. One line per processor.
 */
@Module({
  imports: [CoreModule],
  providers: [
    OutboxRelayService,
    MailProcessor,
    SchedulerRegistrar,
    SchedulerProcessor,
    InviteExpertsProcessor,
    AggregateProcessor,
    StageClosedProcessor,
    ReportProcessor,
  ],
})
export class WorkerModule {}
