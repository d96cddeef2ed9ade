import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { Transporter } from 'nodemailer';
import type { Readable } from 'node:stream';
import { AppConfig } from '../config/app.config';

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments?: { filename: string; content: Buffer | Readable; contentType: string }[];
}

/** SMTP permanent refusals (5xx) are not retried; temporary ones (4xx), timeouts and absent servers are. */
export function isPermanentSmtpError(err: unknown): boolean {
  const code = (err as { responseCode?: number })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** The transport only: what to send is decided by MailService. Timeouts keep a hanging server from blocking a worker. */
@Injectable()
export class MailTransportService implements OnApplicationShutdown {
  private transporter: Transporter | null = null;

  constructor(private readonly config: AppConfig) {}

  private get transport(): Transporter {
    // the timeouts go in the transport options with the url: createTransport's second argument is only message defaults.
    // Pooled: connections stay open between messages (a connection and greeting per message held mail at ~13/s), and
    // the optional rate limit is the provider's per-second allowance for this process.
    const rate = this.config.SMTP_RATE_PER_SECOND;
    this.transporter ??= nodemailer.createTransport(
      {
        url: this.config.SMTP_URL,
        pool: true,
        maxConnections: this.config.SMTP_POOL_SIZE,
        maxMessages: 500,
        ...(rate > 0 ? { rateDelta: 1000, rateLimit: rate } : {}),
        connectionTimeout: this.config.SMTP_CONNECT_TIMEOUT_MS,
        greetingTimeout: this.config.SMTP_CONNECT_TIMEOUT_MS,
        socketTimeout: this.config.SMTP_SOCKET_TIMEOUT_MS,
      } as never,
      { from: this.config.MAIL_FROM },
    );
    return this.transporter;
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const info = (await this.transport.sendMail({ from: this.config.MAIL_FROM, ...mail })) as { messageId?: string };
    return { messageId: String(info.messageId) };
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}
