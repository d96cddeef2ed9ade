import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { MailStatus } from '../mail-status';

export interface MailAttachmentRef {
  fileName: string;
  storageKey: string;
  contentType: string;
}

/**
 * A single-use link the message carries, minted when it is sent: the template sees context[param] =
 * `${path}?token=<a fresh token>`. So the raw token is never stored, not even while the message waits.
 */
export interface MailTokenLink {
  /** The kind of single-use token (accounts' user token kinds); the minter registered by the accounts module knows them. */
  kind: string;
  userId: string;
  ttlHours: number;
  path: string;
  param: string;
}

/**
 * Every email is a row first: the job only carries its id, a sent row is never sent again, and a finally failed
 * one stays visible to organizers with its error.
 */
@Entity({ name: 'mail_messages' })
@Index('ix_mail_messages_status', ['status', 'createdAt'])
export class MailMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', name: 'to_address' })
  to: string;

  /** Template name under templates/emails (without .html.hbs / .text.hbs). */
  @Column({ type: 'text' })
  template: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  context: Record<string, unknown>;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  attachments: MailAttachmentRef[];

  @Column({ type: 'jsonb', name: 'token_link', nullable: true })
  tokenLink: MailTokenLink | null;

  @Column({ type: 'text', default: MailStatus.Queued })
  status: MailStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', name: 'sent_at', nullable: true })
  sentAt: Date | null;

  @Index('ix_mail_messages_campaign')
  @Column({ type: 'uuid', name: 'campaign_id', nullable: true })
  campaignId: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
