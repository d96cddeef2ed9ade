import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { Question } from './question.entity';

@Entity({ name: 'question_options' })
@Index('ix_question_options_question', ['questionId', 'sortOrder'])
export class QuestionOption {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'question_id' })
  questionId: string;

  @ManyToOne('Question', 'options', { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: Question;

  @Column({ type: 'text' })
  text: string;

  /** An option such as «Затрудняюсь оценить» that must be chosen alone. */
  @Column({ type: 'boolean', default: false })
  exclusive: boolean;

  @Column({ type: 'integer', name: 'sort_order', default: 0 })
  sortOrder: number;
}
