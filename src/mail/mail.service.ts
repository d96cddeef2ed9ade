import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app.config';
import { ViewService } from '../common/view.service';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { StorageService } from '../storage/storage.service';
import { MailAttachmentRef, MailMessage, MailTokenLink } from './entities/mail-message.entity';
import { MailStatus } from './mail-status';
import { isPermanentSmtpError, MailTransportService } from './mail-transport.service';

export interface QueueMailInput {
  to: string;
  /** templates/emails/<template>.subject.hbs, .html.hbs and .text.hbs */
  template: string;
  context: Record<string, unknown>;
  campaignId?: string | null;
  attachments?: MailAttachmentRef[];
  /** A single-use link to mint when the message is sent; never put a token in `context`. */
  tokenLink?: MailTokenLink;
}

export type DeliveryOutcome = 'sent' | 'already-sent' | 'failed-permanently' | 'missing';

/** Mints a fresh single-use token for a message's link and returns it raw (only its hash is stored). */
export type LinkTokenMinter = (link: MailTokenLink) => Promise<string>;

/**
 * Emails are rows first (mail_messages), queued through the outbox in the caller's transaction; the worker
 * delivers them. A sent row is never sent again; a permanent SMTP refusal or the last retry marks it failed.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);
  /** Tokens belong to the accounts module, which registers this at start: mail does not depend on accounts. */
  private linkMinter: LinkTokenMinter | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly views: ViewService,
    private readonly transport: MailTransportService,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
  ) {}

  registerLinkMinter(minter: LinkTokenMinter): void {
    this.linkMinter = minter;
  }

  async queue(manager: EntityManager | null, input: QueueMailInput): Promise<string> {
    if (!['subject', 'html', 'text'].every((part) => this.views.has(`emails/${input.template}.${part}`))) {
      throw new Error(`email template missing: ${input.template}`);
    }
    const m = manager ?? this.dataSource.manager;
    const [row] = await m.query(
      `INSERT INTO mail_messages (to_address, template, context, attachments, campaign_id, token_link)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6::jsonb) RETURNING id`,
      [
        input.to,
        input.template,
        JSON.stringify(input.context),
        JSON.stringify(input.attachments ?? []),
        input.campaignId ?? null,
        input.tokenLink ? JSON.stringify(input.tokenLink) : null,
      ],
    );
    await this.outbox.enqueue(m, JobName.SendMail, { mailId: row.id });
    return row.id as string;
  }

  /** Renders subject, HTML and text of a message. Links use APP_URL, never a request's Host header. */
  render(template: string, context: Record<string, unknown>): { subject: string; html: string; text: string } {
    const ctx = { ...context, appUrl: this.config.APP_URL };
    const html = this.views.render(`emails/${template}.html`, ctx, { layout: 'layouts/email' });
    const text = this.views.render(`emails/${template}.text`, ctx, { layout: null });
    const subject = this.views.render(`emails/${template}.subject`, ctx, { layout: null }).trim();
    return { subject, html, text };
  }

  /**
   * Sends one queued message. Throws (so Bull retries with backoff) on temporary failures; returns
   * 'failed-permanently' on a 5xx or when `finalAttempt` fails, leaving the failure on the row.
   */
  async deliver(mailId: string, finalAttempt: boolean): Promise<DeliveryOutcome> {
    const repo = this.dataSource.getRepository(MailMessage);
    // claim the row: a concurrent duplicate job finds it already 'sending' or 'sent'
    // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount]: the rows are the first element (taking the
    // pair's length made every claim "succeed", so a re-run job sent an already sent email again)
    const [claimed]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE mail_messages SET status = 'sending', attempts = attempts + 1, updated_at = now()
        WHERE id = $1 AND status IN ('queued', 'sending', 'failed') RETURNING id`,
      [mailId],
    );
    if (!claimed.length) {
      const existing = await repo.findOneBy({ id: mailId });
      return existing ? 'already-sent' : 'missing';
    }
    const mail = await repo.findOneByOrFail({ id: mailId });
    try {
      const context = mail.tokenLink ? { ...mail.context, ...(await this.mintLink(mail.tokenLink)) } : mail.context;
      const { subject, html, text } = this.render(mail.template, context);
      const attachments = mail.attachments.map((a) => ({
        filename: a.fileName,
        content: this.storage.read(a.storageKey),
        contentType: a.contentType,
      }));
      await this.transport.send({ to: mail.to, subject, html, text, attachments });
      await repo.update({ id: mailId }, { status: MailStatus.Sent, sentAt: new Date(), lastError: null });
      this.logger.log({ mailId, template: mail.template }, 'mail sent');
      return 'sent';
    } catch (err) {
      const message = (err as Error).message.slice(0, 500);
      const permanent = isPermanentSmtpError(err);
      const status = permanent || finalAttempt ? MailStatus.Failed : MailStatus.Queued;
      await repo.update({ id: mailId }, { status, lastError: message });
      this.logger.warn({ mailId, template: mail.template, permanent, finalAttempt }, `mail not sent: ${message}`);
      if (status === MailStatus.Failed) return 'failed-permanently';
      throw err;
    }
  }

  /**
   * The message's link with a fresh token, which replaces the user's earlier unused ones of that kind. Minted at each
   * attempt: a retry after a crash sends a working link, and the raw token lives only in this worker and the email.
   */
  private async mintLink(link: MailTokenLink): Promise<Record<string, string>> {
    if (!this.linkMinter) throw new Error('no link token minter registered (the accounts module registers it at start)');
    const token = await this.linkMinter(link);
    return { [link.param]: `${link.path}?token=${token}` };
  }

  /** Failed messages of a campaign, for the organizer's page. */
  failedFor(campaignId: string): Promise<MailMessage[]> {
    return this.dataSource
      .getRepository(MailMessage)
      .find({ where: { campaignId, status: MailStatus.Failed }, order: { createdAt: 'DESC' } });
  }
}
