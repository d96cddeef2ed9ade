import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Campaign } from './campaign.entity';
import { CampaignDocument } from './document.entity';
import { QuestionOption } from './question-option.entity';

export enum QuestionKind {
  Single = 'single',
  Multi = 'multi',
  Scale = 'scale',
  Text = 'text',
}

/** How pages and reports name a question's kind. */
export const QUESTION_KIND_LABELS: Readonly<Record<QuestionKind, string>> = {
  [QuestionKind.Single]: 'Один вариант',
  [QuestionKind.Multi]: 'Несколько вариантов',
  [QuestionKind.Scale]: 'Шкала',
  [QuestionKind.Text]: 'Свободный ответ',
};

/** A questionnaire item: general (documentId null) or about one document. */
@Entity({ name: 'questions' })
@Index('ix_questions_campaign', ['campaignId', 'sortOrder'])
export class Question {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Column({ type: 'uuid', name: 'document_id', nullable: true })
  documentId: string | null;

  @ManyToOne(() => CampaignDocument, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'document_id' })
  document?: CampaignDocument | null;

  @Column({ type: 'text' })
  kind: QuestionKind;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'boolean', default: true })
  required: boolean;

  @Column({ type: 'integer', name: 'sort_order', default: 0 })
  sortOrder: number;

  @Column({ type: 'integer', name: 'scale_min', nullable: true })
  scaleMin: number | null;

  @Column({ type: 'integer', name: 'scale_max', nullable: true })
  scaleMax: number | null;

  @Column({ type: 'text', name: 'scale_min_label', nullable: true })
  scaleMinLabel: string | null;

  @Column({ type: 'text', name: 'scale_max_label', nullable: true })
  scaleMaxLabel: string | null;

  @Column({ type: 'integer', name: 'max_length', nullable: true })
  maxLength: number | null;

  @OneToMany(() => QuestionOption, (o) => o.question)
  options?: QuestionOption[];

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
