import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app.config';
import { ViewService } from '../common/view.service';
import { OutboxService } from '../queue/outbox.service';
import { JobName } from '../queue/queue-registry';
import { StorageService } from '../storage/storage.service';
import { MailAttachmentRef, MailMessage, MailTokenLink } from './entities/mail-message.entity';
import { MAIL_MACHINE, MailAction } from './mail-status';
import { isPermanentSmtpError, MailTransportService } from './mail-transport.service';
import { MailRepository } from './mail.repository';

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
 * The status moves only through move(), along MAIL_MACHINE.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);
  /** Tokens belong to the accounts module, which registers this at start: mail does not depend on accounts. */
  private linkMinter: LinkTokenMinter | null = null;

  constructor(
    private readonly messages: MailRepository,
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
    const id = await this.messages.insert(manager, {
      to: input.to,
      template: input.template,
      context: input.context,
      attachments: input.attachments ?? [],
      campaignId: input.campaignId ?? null,
      tokenLink: input.tokenLink ?? null,
    });
    await this.outbox.enqueue(manager, JobName.SendMail, { mailId: id });
    return id;
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
    // claim the row: a concurrent duplicate job finds it already 'sent'
    if (!(await this.move(mailId, MailAction.Claim))) {
      return (await this.messages.findById(mailId)) ? 'already-sent' : 'missing';
    }
    const mail = await this.messages.findById(mailId);
    if (!mail) return 'missing';
    try {
      const context = mail.tokenLink ? { ...mail.context, ...(await this.mintLink(mail.tokenLink)) } : mail.context;
      const { subject, html, text } = this.render(mail.template, context);
      const attachments = mail.attachments.map((a) => ({
        filename: a.fileName,
        content: this.storage.read(a.storageKey),
        contentType: a.contentType,
      }));
      await this.transport.send({ to: mail.to, subject, html, text, attachments });
      await this.move(mailId, MailAction.MarkSent);
      this.logger.log({ mailId, template: mail.template }, 'mail sent');
      return 'sent';
    } catch (err) {
      const message = (err as Error).message.slice(0, 500);
      const permanent = isPermanentSmtpError(err);
      const gaveUp = permanent || finalAttempt;
      await this.move(mailId, gaveUp ? MailAction.Fail : MailAction.Postpone, message);
      this.logger.warn({ mailId, template: mail.template, permanent, finalAttempt }, `mail not sent: ${message}`);
      if (gaveUp) return 'failed-permanently';
      throw err;
    }
  }

  /**
   * The one method that changes a message's status: the move `action` of MAIL_MACHINE, applied only if the row is in
   * one of its source statuses (a late worker whose job another worker already finished changes nothing).
   */
  private async move(mailId: string, action: MailAction, error: string | null = null): Promise<boolean> {
    const moved = await this.messages.applyMove(mailId, MAIL_MACHINE.anySource(action), error);
    if (!moved && action !== MailAction.Claim) this.logger.warn({ mailId, action }, 'mail status move refused: the row moved on');
    return moved;
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
    return this.messages.failedForCampaign(campaignId);
  }
}
