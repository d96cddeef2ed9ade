import type { JobOptions } from 'bull';

/** Every queue, job and payload of the platform, in one place. Each job has exactly one handler (a test checks). */
export enum QueueName {
  Aggregation = 'aggregation',
  Reports = 'reports',
  Mail = 'mail',
  Scheduler = 'scheduler',
}

export enum JobName {
  AggregateResults = 'aggregate-results',
  RenderReport = 'render-report',
  SendMail = 'send-mail',
  /** Stage end: aggregation, then reports, then the email to organizers. */
  StageClosed = 'stage-closed',
  /** Expertise opened: invitations to assigned experts. */
  InviteExperts = 'invite-experts',
  /** Periodic: due stage transitions and expert reminders. */
  SchedulerTick = 'scheduler-tick',
  /** Periodic, every few seconds: the tally deltas folded into the totals (docs/results.md «Tallies»). */
  TallyFold = 'tally-fold',
}

export interface JobPayloads {
  [JobName.AggregateResults]: { campaignId: string };
  [JobName.RenderReport]: { reportId: string };
  [JobName.SendMail]: { mailId: string };
  [JobName.StageClosed]: { campaignId: string; stage: string };
  [JobName.InviteExperts]: { campaignId: string };
  [JobName.SchedulerTick]: Record<string, never>;
  [JobName.TallyFold]: Record<string, never>;
}

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.AggregateResults]: QueueName.Aggregation,
  [JobName.StageClosed]: QueueName.Aggregation,
  [JobName.RenderReport]: QueueName.Reports,
  [JobName.SendMail]: QueueName.Mail,
  [JobName.InviteExperts]: QueueName.Mail,
  [JobName.SchedulerTick]: QueueName.Scheduler,
  [JobName.TallyFold]: QueueName.Scheduler,
};

/** Retry defaults for every job: exponential backoff; keep failed jobs for inspection (bull-board). */
export const DEFAULT_JOB_OPTIONS: JobOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: 1_000,
  removeOnFail: 5_000,
};

export const JOB_OPTIONS_OVERRIDES: Partial<Record<JobName, JobOptions>> = {
  [JobName.SchedulerTick]: { attempts: 1, removeOnComplete: true, removeOnFail: 100 },
  [JobName.TallyFold]: { attempts: 1, removeOnComplete: true, removeOnFail: 100 },
  [JobName.RenderReport]: { attempts: 4, timeout: 10 * 60_000 },
};

/** A job's options; `backoffMs` (AppConfig.QUEUE_BACKOFF_MS) replaces the first retry delay of the exponential backoff. */
export function jobOptions(job: JobName, backoffMs?: number): JobOptions {
  const options = { ...DEFAULT_JOB_OPTIONS, ...JOB_OPTIONS_OVERRIDES[job] };
  return backoffMs ? { ...options, backoff: { type: 'exponential', delay: backoffMs } } : options;
}

export const ALL_QUEUES = Object.values(QueueName);

/** Each job by its Russian name, for the administrator's pages. */
export const JOB_LABELS: Readonly<Record<JobName, string>> = {
  [JobName.AggregateResults]: 'подсчёт результатов',
  [JobName.RenderReport]: 'построение отчёта',
  [JobName.SendMail]: 'отправка письма',
  [JobName.StageClosed]: 'завершение этапа',
  [JobName.InviteExperts]: 'приглашения экспертам',
  [JobName.SchedulerTick]: 'проверка расписания',
  [JobName.TallyFold]: 'сведение счётчиков ответов',
};

/** Each queue by its Russian name and what it does, for the administrator's pages (no code word on screen). */
export const QUEUE_LABELS: Readonly<Record<QueueName, { name: string; does: string }>> = {
  [QueueName.Aggregation]: { name: 'Подсчёт результатов', does: 'подсчёт итогов кампаний и завершение этапов' },
  [QueueName.Reports]: { name: 'Отчёты', does: 'построение файлов отчётов (XLSX, PDF, CSV)' },
  [QueueName.Mail]: { name: 'Почта', does: 'отправка писем и приглашений экспертам' },
  [QueueName.Scheduler]: {
    name: 'Расписание этапов',
    does: 'смена этапов по расписанию (раз в минуту) и сведение счётчиков ответов (раз в несколько секунд)',
  },
};
