import { TransitionTable } from '../common/state-machine';

export enum MailStatus {
  Queued = 'queued',
  Sending = 'sending',
  Sent = 'sent',
  Failed = 'failed',
}

export enum MailAction {
  /**
   * A delivery job takes the row. From `sending` too: a job re-run after its worker died mid-send takes it again; from
   * `failed`: a message run again by hand. Never from `sent`: that is what makes a sent email never go twice.
   */
  Claim = 'claim',
  /** The SMTP server accepted it. */
  MarkSent = 'mark-sent',
  /** A temporary failure: Bull retries the job later. */
  Postpone = 'postpone',
  /** A permanent refusal, or the last attempt failed. */
  Fail = 'fail',
}

export enum MailEffect {
  CountAttempt = 'count-attempt',
  StampSent = 'stamp-sent',
  ClearError = 'clear-error',
  /** last_error = the SMTP or rendering error, cut to 500 characters */
  RecordError = 'record-error',
}

/** The email lifecycle; MailService.move() is the only writer of `mail_messages.status`. */
export const MAIL_MACHINE = new TransitionTable<MailStatus, MailAction, MailEffect>([
  {
    action: MailAction.Claim,
    from: [MailStatus.Queued, MailStatus.Sending, MailStatus.Failed],
    to: MailStatus.Sending,
    effects: [MailEffect.CountAttempt],
  },
  { action: MailAction.MarkSent, from: [MailStatus.Sending], to: MailStatus.Sent, effects: [MailEffect.StampSent, MailEffect.ClearError] },
  { action: MailAction.Postpone, from: [MailStatus.Sending], to: MailStatus.Queued, effects: [MailEffect.RecordError] },
  { action: MailAction.Fail, from: [MailStatus.Sending], to: MailStatus.Failed, effects: [MailEffect.RecordError] },
]);
