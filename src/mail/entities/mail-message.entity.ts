import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { MailStatus } from '../mail-status';

export interface MailAttachmentRef {
  fileName: string;
  storageKey: string;
  contentType: string;
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
