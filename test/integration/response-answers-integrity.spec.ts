import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';

/**
 * Answers have no row-level foreign key to their response (its per-row lock was a quarter of the submission write);
 * the statement-level triggers of migration AnswerParentTriggers must give the same guarantees.
 */
describe('response_answers without their response', () => {
  let ds: DataSource;
  let fx: ResultsFixture;

  beforeAll(async () => {
    ds = new DataSource({ ...dataSourceOptions(loadConfig()), logging: false, extra: { max: 2 } });
    await ds.initialize();
    fx = await buildResultsCampaign(ds, { responses: 4 });
  });
  afterAll(() => ds.destroy());

  const answerCount = async (responseIds: string[]): Promise<number> => {
    const [row] = await ds.query(`SELECT count(*)::int AS n FROM response_answers WHERE response_id = ANY($1::uuid[])`, [responseIds]);
    return row.n;
  };

  it('refuses a statement whose answers name a missing response, and stores none of its rows', async () => {
    const existing = fx.responses[0].id;
    const missing = randomUUID();
    const question = fx.questions.find((q) => q.kind === 'scale')!;
    const before = await answerCount([existing]);
    const attempt = ds.query(
      `INSERT INTO response_answers (response_id, question_id, value) VALUES ($1, $3, 1), ($2, $3, 1)`,
      [existing, missing, question.id],
    );
    await expect(attempt).rejects.toMatchObject({ code: '23503', constraint: 'fk_response_answers_response' });
    expect(await answerCount([existing])).toBe(before);
    expect(await answerCount([missing])).toBe(0);
  });

  it('accepts answers of responses inserted by the same statement', async () => {
    const id = randomUUID();
    const r = fx.responses[0];
    const question = fx.questions.find((q) => q.kind === 'scale')!;
    await ds.query(
      `WITH ins AS (
         INSERT INTO responses (id, campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position, client_hash)
         VALUES ($1, $2, $3, $4, 'b', $5, $6, $7, 'c') RETURNING id)
       INSERT INTO response_answers (response_id, question_id, value) SELECT id, $8, 2 FROM ins`,
      [id, fx.campaignId, `T-${id.slice(0, 9)}`, id, r.territoryId, r.organizationType, r.position, question.id],
    );
    expect(await answerCount([id])).toBe(1);
  });

  it('deleting responses deletes their answers and no others', async () => {
    const [gone, kept] = fx.responses;
    expect(gone.answers.length).toBeGreaterThan(0);
    const keptAnswers = await answerCount([kept.id]);
    expect(await answerCount([gone.id])).toBe(gone.answers.length);
    expect(keptAnswers).toBe(kept.answers.length);
    await ds.query(`DELETE FROM responses WHERE id = $1`, [gone.id]);
    expect(await answerCount([gone.id])).toBe(0);
    expect(await answerCount([kept.id])).toBe(keptAnswers);
  });
});
