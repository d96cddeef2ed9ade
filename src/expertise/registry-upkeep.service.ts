import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { DomainError, ErrorCode } from '../common/domain-error';
import { REDIS, RedisClient, redisKey } from '../common/redis.module';
import { wallClock } from '../common/display-time-zone';
import { AppConfig } from '../config/app.config';
import { MailService } from '../mail/mail.service';
import { ApplicationThrottleService } from './application-throttle.service';
import { confirmationMail } from './expert-applications.service';
import { ExpertApplicationsRepository } from './expert-applications.repository';
import { AuditAction } from '../audit/audit-action';

/** The digest goes at the first scheduler tick after this local hour. */
export const DIGEST_LOCAL_HOUR = 9;
/** One more confirmation email per address at most this often. */
export const RESEND_INTERVAL_SECONDS = 600;
const DIGEST_LIST_MAX = 20;
const EMAIL_MAX = 254;

/** The local calendar day and hour of an instant (the region's time zone). */
export function localDayHour(now: Date): { day: string; hour: number } {
  const c = wallClock(now);
  const two = (n: number) => String(n).padStart(2, '0');
  return { day: `${c.year}-${two(c.month)}-${two(c.day)}`, hour: c.hour };
}

/**
 * Keeping the registry moving: the count of applications waiting (organizer's menu), one digest email a day to
 * organizers while any wait, and the confirmation email sent again on an applicant's request (rate-limited).
 */
@Injectable()
export class RegistryUpkeepService {
  private readonly logger = new Logger(RegistryUpkeepService.name);

  constructor(
    private readonly repo: ExpertApplicationsRepository,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly throttle: ApplicationThrottleService,
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly config: AppConfig,
  ) {}

  pendingCount(): Promise<number> {
    return this.repo.pendingCount();
  }

  /**
   * Sends the confirmation email again when the address belongs to an unconfirmed applicant. The answer is the same
   * either way (no telling which addresses applied); each address gets one resend per RESEND_INTERVAL_SECONDS.
   */
  async resendConfirmation(emailIn: unknown, ip: string): Promise<void> {
    const email = typeof emailIn === 'string' ? emailIn.trim() : '';
    if (!email || email.length > EMAIL_MAX || !email.includes('@'))
      throw new DomainError(ErrorCode.ValidationFailed, 'email: укажите адрес электронной почты', {
        email: 'Укажите адрес электронной почты',
      });
    // counted first, refused requests too (count-first, as every limiter: docs/security.md)
    await this.throttle.count(ip);
    const key = redisKey(this.config, 'confirmation-resend', email.toLowerCase());
    const first = await this.redis.set(key, '1', 'EX', RESEND_INTERVAL_SECONDS, 'NX').catch(() => 'OK');
    if (first !== 'OK') {
      throw new DomainError(ErrorCode.RateLimited, 'email: письмо уже отправлено недавно, повторить можно через 10 минут', {
        email: 'Письмо уже отправлено недавно: повторить можно через 10 минут',
      });
    }
    const applicant = await this.repo.unconfirmedApplicant(email);
    if (!applicant) return;
    await this.repo.transaction(async (m) => {
      await this.mail.queue(m, confirmationMail({ id: applicant.id, email: applicant.email, fullName: applicant.full_name }));
      await this.audit.record(m, {
        actorId: applicant.id,
        action: AuditAction.ExpertConfirmationResent,
        entityType: 'expert',
        entityId: applicant.id,
      });
    });
    this.logger.log({ expertId: applicant.id }, 'confirmation email sent again');
  }

  /** Scheduler duty: one digest per local day (from DIGEST_LOCAL_HOUR on) to every organizer, only while applications wait. */
  async sendDailyDigest(now: Date = new Date()): Promise<number> {
    const { day, hour } = localDayHour(now);
    if (hour < DIGEST_LOCAL_HOUR) return 0;
    return this.repo.transaction(async (m) => {
      if (!(await this.repo.claimDigestDay(m, day))) return 0;
      const [pending, organizers] = await Promise.all([this.repo.pending(m, DIGEST_LIST_MAX + 1), this.repo.organizerEmails(m)]);
      if (!pending.length || !organizers.length) return 0;
      const total = pending.length > DIGEST_LIST_MAX ? await this.repo.pendingCount() : pending.length;
      const applicants = pending.slice(0, DIGEST_LIST_MAX).map((p) => ({
        fullName: p.full_name,
        territory: p.territory_name,
        since: new Date(p.created_at).toISOString(),
      }));
      for (const o of organizers) {
        await this.mail.queue(m, {
          to: o.email,
          template: 'expert-applications-digest',
          context: { fullName: o.full_name, total, applicants, more: Math.max(total - applicants.length, 0), day },
        });
      }
      await this.audit.record(m, {
        actorId: null,
        action: AuditAction.ExpertApplicationsDigest,
        entityType: 'expert',
        after: { day, total },
      });
      this.logger.log({ day, total, organizers: organizers.length }, 'applications digest queued');
      return organizers.length;
    });
  }
}
