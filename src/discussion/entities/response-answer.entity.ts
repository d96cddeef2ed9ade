import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { Question } from '../../campaigns/entities/question.entity';
import { QuestionOption } from '../../campaigns/entities/question-option.entity';
import { Response } from './response.entity';

/**
 * Normalized answers: one row per chosen option (so a multi-select counts per option, never as a combination),
 * one row with `value` for a scale, one with `text` for free text. Aggregation is a GROUP BY over these rows.
 */
@Entity({ name: 'response_answers' })
// Every index here is paid ~12 times per submission (one per answer row), so each row kind feeds only its own
// partial index, and the primary key (response_id first) doubles as the index of a response's answers.
// response_id last: aggregation counts per option/value with an index-only scan that also skips excluded responses
@Index('ix_response_answers_question_option', ['questionId', 'optionId', 'responseId'], { where: 'option_id IS NOT NULL' })
@Index('ix_response_answers_question_value', ['questionId', 'value', 'responseId'], { where: 'value IS NOT NULL' })
@Index('ix_response_answers_question_text', ['questionId', 'responseId'], { where: 'text IS NOT NULL' })
// a proposal (a text answer) is addressed by the answer id alone; only text answers pay for this index
@Index('ix_response_answers_text_id', ['id'], { where: 'text IS NOT NULL' })
export class ResponseAnswer {
  @PrimaryColumn({ type: 'uuid', name: 'response_id' })
  responseId: string;

  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  /**
   * Not a foreign key either: its per-row lookup and lock cost a quarter of a submission's write. Two statement-level
   * triggers (migration AnswerParentTriggers) refuse answers without their response and delete answers with it.
   */
  @ManyToOne(() => Response, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'response_id' })
  response?: Response;

  @Column({ type: 'uuid', name: 'question_id' })
  questionId: string;

  /**
   * No foreign keys to questions/options: each would lock the same few question rows FOR KEY SHARE on every answer
   * inserted (a third of the write cost at thousands of submissions/s). The submission path checks that every
   * question and option belongs to the campaign, and questions can only be deleted in draft, before any response.
   */
  @ManyToOne(() => Question, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'question_id' })
  question?: Question;

  @Column({ type: 'uuid', name: 'option_id', nullable: true })
  optionId: string | null;

  @ManyToOne(() => QuestionOption, { createForeignKeyConstraints: false })
  @JoinColumn({ name: 'option_id' })
  option?: QuestionOption;

  @Column({ type: 'integer', nullable: true })
  value: number | null;

  @Column({ type: 'text', nullable: true })
  text: string | null;
}
