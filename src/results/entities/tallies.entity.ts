import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Campaign } from '../../campaigns/entities/campaign.entity';
import { QuestionOption } from '../../campaigns/entities/question-option.entity';
import { Question } from '../../campaigns/entities/question.entity';
import { Territory } from '../../reference/entities/territory.entity';

/*
 * Running counts of a round (docs/results.md «Tallies»). Database triggers on `responses` and `response_answers`
 * append what each statement changes to delta tables of the same shape (`*_tally_deltas`, migration
 * TallyDeltas1796240000000: no key, so no entity), and `fold_tallies()` adds those into these totals. Nothing in
 * the application writes either: every writer — the submission batch, an exclusion, a deletion, a fixture — moves
 * them. Readers read the `*_tally_sums` views (totals plus deltas) instead of counting millions of answer rows.
 */

/** Responses per (campaign, territory, organization type, position, excluded). */
@Entity({ name: 'response_tallies' })
export class ResponseTally {
  @PrimaryColumn({ type: 'uuid', name: 'campaign_id' })
  campaignId: string;

  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @PrimaryColumn({ type: 'uuid', name: 'territory_id' })
  territoryId: string;

  @ManyToOne(() => Territory)
  @JoinColumn({ name: 'territory_id' })
  territory?: Territory;

  @PrimaryColumn({ type: 'text', name: 'organization_type' })
  organizationType: string;

  @PrimaryColumn({ type: 'text' })
  position: string;

  @PrimaryColumn({ type: 'boolean' })
  excluded: boolean;

  @Column({ type: 'integer' })
  n: number;
}

/** Answer rows choosing an option, of responses that count (not excluded). */
@Entity({ name: 'option_tallies' })
export class OptionTally {
  @PrimaryColumn({ type: 'uuid', name: 'option_id' })
  optionId: string;

  @ManyToOne(() => QuestionOption, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'option_id' })
  option?: QuestionOption;

  @Column({ type: 'integer' })
  n: number;
}

/** Answer rows giving a scale value, of responses that count. */
@Entity({ name: 'scale_tallies' })
export class ScaleTally {
  @PrimaryColumn({ type: 'uuid', name: 'question_id' })
  questionId: string;

  @ManyToOne(() => Question, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: Question;

  @PrimaryColumn({ type: 'integer' })
  value: number;

  @Column({ type: 'integer' })
  n: number;
}

/**
 * Responses that count and answered the question: at least one option, a value or a non-blank text. A multi-select
 * has several rows per respondent, so this is the distinct count its «ответили» needs.
 */
@Entity({ name: 'question_tallies' })
export class QuestionTally {
  @PrimaryColumn({ type: 'uuid', name: 'question_id' })
  questionId: string;

  @ManyToOne(() => Question, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'question_id' })
  question?: Question;

  @Column({ type: 'integer' })
  respondents: number;

  /** Answer rows with a text (blank ones too), of responses that count: the question's proposals. */
  @Column({ type: 'integer', name: 'text_answers', default: 0 })
  textAnswers: number;
}
