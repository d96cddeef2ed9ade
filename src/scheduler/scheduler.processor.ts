import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import { CampaignLifecycleService } from '../campaigns/campaign-lifecycle.service';
import { AppConfig } from '../config/app.config';
import { ExpertNotificationsService } from '../expertise/expert-notifications.service';
import { RegistryUpkeepService } from '../expertise/registry-upkeep.service';
import { JobName, jobOptions, QueueName } from '../queue/queue-registry';
import { ResultsService } from '../results/results.service';

/** The repeatable jobs' own ids: the same in every worker, so Bull keeps one schedule however many workers start. */
export const SCHEDULER_TICK_JOB_ID = 'scheduler-tick';
export const TALLY_FOLD_JOB_ID = 'tally-fold';

/**
 * At worker start, registers ONE repeatable SchedulerTick and ONE TallyFold (Bull de-duplicates repeatable jobs by
 * their key, so N workers make one of each per interval); an older schedule with another interval is removed.
 */
@Injectable()
export class SchedulerRegistrar implements OnApplicationBootstrap {
  private readonly logger = new Logger(SchedulerRegistrar.name);

  constructor(
    @InjectQueue(QueueName.Scheduler) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.register();
    // Redis restarted empty loses the repeatable schedule: register it again on every reconnect (idempotent)
    this.queue.client.on('ready', () => void this.register());
  }

  private async register(): Promise<void> {
    const schedules = [
      { job: JobName.SchedulerTick, jobId: SCHEDULER_TICK_JOB_ID, every: this.config.SCHEDULER_INTERVAL_MS },
      { job: JobName.TallyFold, jobId: TALLY_FOLD_JOB_ID, every: this.config.TALLY_FOLD_INTERVAL_MS },
    ];
    try {
      const existing = await this.queue.getRepeatableJobs();
      for (const { job, jobId, every } of schedules) {
        for (const old of existing) {
          if (old.name === job && Number(old.every) !== every) await this.queue.removeRepeatableByKey(old.key);
        }
        await this.queue.add(job, {}, { ...jobOptions(job), jobId, repeat: { every } });
      }
    } catch (err) {
      // Redis down at start: the next worker start (or restart) registers it; due moves are only delayed
      this.logger.warn(`scheduler tick not registered: ${(err as Error).message}`);
    }
  }
}

/**
 * One tick: every periodic duty, each a single service call. Duties must be idempotent and safe to run in two
 * workers at once. ADD NEW DUTIES (e.g. expert reminders) as one more line in tick() below.
 */
@Processor(QueueName.Scheduler)
export class SchedulerProcessor {
  private readonly logger = new Logger(SchedulerProcessor.name);

  constructor(
    private readonly lifecycle: CampaignLifecycleService,
    private readonly expertNotifications: ExpertNotificationsService,
    private readonly results: ResultsService,
    private readonly registryUpkeep: RegistryUpkeepService,
  ) {}

  @Process(JobName.SchedulerTick)
  async tick(): Promise<void> {
    const now = new Date();
    await this.run('due transitions', () => this.lifecycle.performDueTransitions(now));
    await this.run('expert reminders', () => this.expertNotifications.sendDueReminders(now));
    await this.run('live results', () => this.results.refreshStaleOpenCampaigns());
    await this.run('applications digest', () => this.registryUpkeep.sendDailyDigest(now));
  }

  /** Tally deltas into totals: its own schedule, every few seconds (the tick's 30 s would let them pile up). */
  @Process(JobName.TallyFold)
  async fold(): Promise<void> {
    await this.run('tally fold', () => this.results.foldTallies());
  }

  /** One duty's failure does not stop the others; the next tick tries again. */
  private async run(name: string, duty: () => Promise<unknown>): Promise<void> {
    try {
      await duty();
    } catch (err) {
      this.logger.warn(`scheduler duty "${name}" failed: ${(err as Error).message}`);
    }
  }
}
