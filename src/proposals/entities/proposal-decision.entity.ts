import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../accounts/entities/user.entity';
import { ResponseAnswer } from '../../discussion/entities/response-answer.entity';

/**
 * The organizer's decision on one proposal (a free-text answer). Keyed like the answer itself, (response_id,
 * answer_id), with a foreign key to it: deleting a response (and so its answers) deletes its decisions. Whether a
 * proposal counts is never copied here: it is read through the response's `excluded` flag at query time.
 */
@Entity({ name: 'proposal_decisions' })
@Check('ck_proposal_decisions_decision', `"decision" IN ('accepted', 'partially', 'rejected', 'not_applicable')`)
@Check(
  'ck_proposal_decisions_justification',
  `"decision" NOT IN ('partially', 'rejected') OR char_length(coalesce("justification", '')) BETWEEN 1 AND 2000`,
)
export class ProposalDecision {
  @PrimaryColumn({ type: 'uuid', name: 'response_id' })
  responseId: string;

  @PrimaryColumn({ type: 'bigint', name: 'answer_id' })
  answerId: string;

  @ManyToOne(() => ResponseAnswer, { onDelete: 'CASCADE' })
  @JoinColumn([
    { name: 'response_id', referencedColumnName: 'responseId' },
    { name: 'answer_id', referencedColumnName: 'id' },
  ])
  answer?: ResponseAnswer;

  @Column({ type: 'text' })
  decision: string;

  @Column({ type: 'text', nullable: true })
  justification: string | null;

  @Column({ type: 'uuid', name: 'decided_by', nullable: true })
  decidedBy: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'decided_by' })
  decider?: User;

  @Column({ type: 'timestamptz', name: 'decided_at' })
  decidedAt: Date;
}
