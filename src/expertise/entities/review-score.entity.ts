import { JoinColumn, ManyToOne, Column, Entity, PrimaryColumn } from 'typeorm';
import { Criterion } from '../../campaigns/entities/criterion.entity';
import { Assignment } from './assignment.entity';

@Entity({ name: 'review_scores' })
export class ReviewScore {
  @PrimaryColumn({ type: 'uuid', name: 'assignment_id' })
  assignmentId: string;

  @ManyToOne(() => Assignment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'assignment_id' })
  assignment?: Assignment;

  @PrimaryColumn({ type: 'uuid', name: 'criterion_id' })
  criterionId: string;

  @ManyToOne(() => Criterion, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'criterion_id' })
  criterion?: Criterion;

  @Column({ type: 'smallint' })
  score: number;

  @Column({ type: 'text', default: '' })
  comment: string;
}
