import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { nextSortOrder } from './campaigns.repository';
import { DataSource, DeepPartial, EntityManager } from 'typeorm';
import { QuestionOption } from './entities/question-option.entity';
import { Question } from './entities/question.entity';

export interface OptionWrite {
  text: string;
  exclusive: boolean;
}

/** The `questions` and `question_options` tables. Methods that take an EntityManager run in the caller's transaction. */
@Injectable()
export class QuestionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The place after the campaign's last question. */
  nextSortOrder(m: EntityManager, campaignId: string): Promise<number> {
    return nextSortOrder(m, 'questions', campaignId);
  }

  insert(m: EntityManager, question: DeepPartial<Question>): Promise<Question> {
    const repo = m.getRepository(Question);
    return repo.save(repo.create(question));
  }

  /** Saves the question's own columns (its options are written by replaceOptions). */
  save(m: EntityManager, question: Question): Promise<Question> {
    return m.getRepository(Question).save(question);
  }

  async delete(m: EntityManager, id: string): Promise<void> {
    await m.getRepository(Question).delete({ id });
  }

  /** The question with its options, when it belongs to the campaign. */
  findWithOptions(campaignId: string, id: string, m: EntityManager = this.dataSource.manager): Promise<Question | null> {
    return m.getRepository(Question).findOne({ where: { id, campaignId }, relations: { options: true } });
  }

  /** The campaign's questionnaire in its order, with the options. */
  listWithOptions(campaignId: string, m: EntityManager = this.dataSource.manager): Promise<Question[]> {
    return m.getRepository(Question).find({
      where: { campaignId },
      relations: { options: true },
      order: { sortOrder: 'ASC', createdAt: 'ASC' },
    });
  }

  /** Adds options numbered in their order. */
  async insertOptions(m: EntityManager, questionId: string, options: OptionWrite[]): Promise<void> {
    if (!options.length) return;
    await m
      .getRepository(QuestionOption)
      .insert(options.map((o, i) => ({ questionId, text: o.text, exclusive: o.exclusive, sortOrder: i })));
  }

  async replaceOptions(m: EntityManager, questionId: string, options: OptionWrite[]): Promise<void> {
    await m.getRepository(QuestionOption).delete({ questionId });
    await this.insertOptions(m, questionId, options);
  }

  async orderedIds(m: EntityManager, campaignId: string): Promise<string[]> {
    const rows: { id: string }[] = await m.query(`SELECT id FROM questions WHERE campaign_id = $1 ORDER BY sort_order, created_at, id`, [
      campaignId,
    ]);
    return rows.map((r) => r.id);
  }

  /** Numbers the campaign's questions 0, 1, … in the order of `ids`. */
  async renumber(m: EntityManager, campaignId: string, ids: string[]): Promise<void> {
    await m.query(
      `UPDATE questions q SET sort_order = o.ord - 1
         FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, ord)
        WHERE q.id = o.id AND q.campaign_id = $1`,
      [campaignId, ids],
    );
  }
}
