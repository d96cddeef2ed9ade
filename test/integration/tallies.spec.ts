import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { buildResultsCampaign, FxQuestion, ResultsFixture } from '../factories/results.factory';

/**
 * The running counts (migration DiscussionTallies) must equal a recount from the raw rows after every kind of write
 * anyone can make: submissions in one statement, answers added or deleted on their own, a multi-select answered in
 * two statements, exclusions and their reversal, a corrected territory, deleted responses, concurrent batches.
 */
describe('tallies kept by triggers equal a recount from the rows', () => {
  let ds: DataSource;
  let fx: ResultsFixture;

  beforeAll(async () => {
    ds = new DataSource({ ...dataSourceOptions(loadConfig()), logging: false, extra: { max: 10 } });
    await ds.initialize();
    fx = await buildResultsCampaign(ds, { responses: 60, seed: 7 });
  });
  afterAll(() => ds.destroy());

  /** Everything as sorted "key=n" lines, zero counts left out (a tally may keep a row that went back to 0). */
  async function recount(campaignId: string): Promise<string[]> {
    const rows: { k: string; n: number }[] = await ds.query(
      `WITH c AS (SELECT a.* FROM response_answers a JOIN responses r ON r.id = a.response_id
                   WHERE r.campaign_id = $1 AND NOT r.excluded)
       SELECT 'r/' || territory_id || '/' || organization_type || '/' || position || '/' || excluded AS k, count(*)::int AS n
         FROM responses WHERE campaign_id = $1 GROUP BY 1
       UNION ALL SELECT 'o/' || option_id, count(*)::int FROM c WHERE option_id IS NOT NULL GROUP BY 1
       UNION ALL SELECT 's/' || question_id || '/' || value, count(*)::int FROM c WHERE value IS NOT NULL GROUP BY 1
       UNION ALL SELECT 'q/' || question_id, count(DISTINCT response_id)::int FROM c
                  WHERE option_id IS NOT NULL OR value IS NOT NULL OR btrim(coalesce(text, '')) <> '' GROUP BY 1
       UNION ALL SELECT 't/' || question_id, count(*)::int FROM c WHERE text IS NOT NULL GROUP BY 1`,
      [campaignId],
    );
    return rows.map((r) => `${r.k}=${r.n}`).sort();
  }

  /** What readers see (`sums`: totals plus the deltas not folded yet) or the folded totals alone. */
  async function tallies(campaignId: string, from: 'sums' | 'totals' = 'sums'): Promise<string[]> {
    const t = (name: string) => (from === 'sums' ? `${name}_tally_sums` : `${name}_tallies`);
    const rows: { k: string; n: number }[] = await ds.query(
      `WITH q AS (SELECT id FROM questions WHERE campaign_id = $1)
       SELECT 'r/' || territory_id || '/' || organization_type || '/' || position || '/' || excluded AS k, n
         FROM ${t('response')} WHERE campaign_id = $1
       UNION ALL SELECT 'o/' || t.option_id, t.n FROM ${t('option')} t JOIN question_options o ON o.id = t.option_id
                  WHERE o.question_id IN (SELECT id FROM q)
       UNION ALL SELECT 's/' || question_id || '/' || value, n FROM ${t('scale')} WHERE question_id IN (SELECT id FROM q)
       UNION ALL SELECT 'q/' || question_id, respondents FROM ${t('question')} WHERE question_id IN (SELECT id FROM q)
       UNION ALL SELECT 't/' || question_id, text_answers FROM ${t('question')} WHERE question_id IN (SELECT id FROM q)`,
      [campaignId],
    );
    return rows
      .filter((r) => r.n !== 0)
      .map((r) => `${r.k}=${r.n}`)
      .sort();
  }

  const fold = async (): Promise<number> => Number((await ds.query(`SELECT fold_tallies() AS n`))[0].n);
  const deltaRows = async (): Promise<number> =>
    Number(
      (
        await ds.query(
          `SELECT (SELECT count(*) FROM response_tally_deltas) + (SELECT count(*) FROM option_tally_deltas)
                + (SELECT count(*) FROM scale_tally_deltas) + (SELECT count(*) FROM question_tally_deltas) AS n`,
        )
      )[0].n,
    );

  /** Exact as readers see it before a fold, and the totals alone after it. */
  const expectExact = async () => {
    const expected = await recount(fx.campaignId);
    expect(expected.length).toBeGreaterThan(10);
    expect(await tallies(fx.campaignId)).toEqual(expected);
    await fold();
    expect(await deltaRows()).toBe(0);
    expect(await tallies(fx.campaignId, 'totals')).toEqual(expected);
    expect(await tallies(fx.campaignId)).toEqual(expected);
  };
  const question = (kind: FxQuestion['kind']) => fx.questions.find((q) => q.kind === kind)!;
  const counted = () => fx.responses.filter((r) => !r.excluded);

  async function insertResponse(excluded = false): Promise<string> {
    const id = randomUUID();
    const like = fx.responses[0];
    await ds.query(
      `INSERT INTO responses (id, campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position, client_hash, excluded)
       VALUES ($1, $2, $3, $8, 'b', $4, $5, $6, 'c', $7)`,
      [id, fx.campaignId, `T-${id.slice(0, 12)}`, like.territoryId, like.organizationType, like.position, excluded, id],
    );
    return id;
  }

  it('counts the fixture as it was inserted', async () => {
    await expectExact();
  });

  it('follows exclusions, their reversal and a corrected territory', async () => {
    const [a, b, c] = counted();
    await ds.query(`UPDATE responses SET excluded = true WHERE id = ANY($1::uuid[])`, [[a.id, b.id]]);
    await expectExact();
    await ds.query(`UPDATE responses SET excluded = false WHERE id = $1`, [a.id]);
    await ds.query(`UPDATE responses SET excluded = false WHERE id = $1`, [a.id]); // no change: nothing moves
    await expectExact();
    const other = fx.territories.find((t) => t.active && t.id !== c.territoryId)!;
    await ds.query(`UPDATE responses SET territory_id = $2, organization_name = 'Школа' WHERE id = $1`, [c.id, other.id]);
    await expectExact();
    // one statement that both excludes one response and brings another back
    await ds.query(`UPDATE responses SET excluded = NOT excluded WHERE id = ANY($1::uuid[])`, [[a.id, b.id]]);
    await expectExact();
  });

  it('counts a respondent once when a multi-select is answered in two statements, in one transaction or apart', async () => {
    const multi = question('multi');
    const [first, second] = multi.options;
    const id = await insertResponse();
    await ds.transaction(async (m) => {
      await m.query(`INSERT INTO response_answers (response_id, question_id, option_id) VALUES ($1, $2, $3)`, [id, multi.id, first.id]);
      await m.query(`INSERT INTO response_answers (response_id, question_id, option_id) VALUES ($1, $2, $3)`, [id, multi.id, second.id]);
    });
    await expectExact();
    const late = await insertResponse();
    await ds.query(`INSERT INTO response_answers (response_id, question_id, option_id) VALUES ($1, $2, $3), ($1, $2, $4)`, [
      late,
      multi.id,
      first.id,
      second.id,
    ]);
    await ds.query(`INSERT INTO response_answers (response_id, question_id, text) VALUES ($1, $2, '   ')`, [late, question('text').id]);
    await expectExact();
  });

  it('takes away answers deleted on their own, and the respondent only with the last counted row', async () => {
    const multi = question('multi');
    const id = await insertResponse();
    await ds.query(`INSERT INTO response_answers (response_id, question_id, option_id) VALUES ($1, $2, $3), ($1, $2, $4)`, [
      id,
      multi.id,
      multi.options[0].id,
      multi.options[1].id,
    ]);
    await ds.query(`DELETE FROM response_answers WHERE response_id = $1 AND option_id = $2`, [id, multi.options[0].id]);
    await expectExact();
    await ds.query(`DELETE FROM response_answers WHERE response_id = $1`, [id]);
    await expectExact();
  });

  it('leaves answers of an excluded response out until it is brought back', async () => {
    const id = await insertResponse(true);
    await ds.query(`INSERT INTO response_answers (response_id, question_id, value) VALUES ($1, $2, 4)`, [id, question('scale').id]);
    await expectExact();
    await ds.query(`UPDATE responses SET excluded = false WHERE id = $1`, [id]);
    await expectExact();
  });

  it('takes away deleted responses (counted and excluded) with their answers', async () => {
    const [kept, gone] = counted().slice(-2);
    const excluded = fx.responses.find((r) => r.excluded)!;
    expect(gone.answers.length).toBeGreaterThan(0);
    await ds.query(`DELETE FROM responses WHERE id = ANY($1::uuid[])`, [[gone.id, excluded.id]]);
    await expectExact();
    expect(kept.id).not.toBe(gone.id);
  });

  it('stays exact under concurrent batches from many connections, without deadlocks', async () => {
    const scale = question('scale');
    const multi = question('multi');
    const batch = async (k: number) => {
      for (let i = 0; i < 10; i++) {
        const ids = [randomUUID(), randomUUID(), randomUUID()];
        const like = fx.responses[(k + i) % fx.responses.length];
        await ds.query(
          `WITH ins AS (
             INSERT INTO responses (id, campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position, client_hash)
             SELECT x, $2, 'T-' || left(x::text, 12), x::text, 'b', $3, $4, $5, 'c' FROM unnest($1::uuid[]) x RETURNING id)
           INSERT INTO response_answers (response_id, question_id, option_id, value)
           SELECT id, $6::uuid, NULL::uuid, 1 + (${k} + ${i}) % 5 FROM ins
           UNION ALL SELECT id, $7::uuid, $8::uuid, NULL FROM ins`,
          [ids, fx.campaignId, like.territoryId, like.organizationType, like.position, scale.id, multi.id, multi.options[i % 2].id],
        );
      }
    };
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(batch));
    await expectExact();
  });

  it('stays exact when folds run while batches land', async () => {
    const scale = question('scale');
    let landing = true;
    const writer = (async () => {
      for (let i = 0; i < 40; i++) {
        const id = await insertResponse(i % 7 === 0);
        await ds.query(`INSERT INTO response_answers (response_id, question_id, value) VALUES ($1, $2, $3)`, [id, scale.id, 1 + (i % 5)]);
      }
      landing = false;
    })();
    let folds = 0;
    while (landing) {
      await Promise.all([fold(), fold()]); // the second of a pair finds the first's lock and returns at once
      folds++;
    }
    await writer;
    expect(folds).toBeGreaterThan(0);
    await expectExact();
  });

  it('drops the deltas of a campaign deleted before they were folded', async () => {
    const other = await buildResultsCampaign(ds, { responses: 5, seed: 11 });
    expect(await deltaRows()).toBeGreaterThan(0);
    await ds.query(`DELETE FROM campaigns WHERE id = $1`, [other.campaignId]);
    expect(await fold()).toBeGreaterThan(0);
    expect(await deltaRows()).toBe(0);
    expect(await tallies(other.campaignId, 'totals')).toEqual([]);
    await expectExact();
  });

  it('refuses to update an answer row (its bookkeeping is insert and delete)', async () => {
    await expect(ds.query(`UPDATE response_answers SET value = value WHERE response_id = $1`, [counted()[0].id])).rejects.toThrow(
      'response_answers rows are not updated: delete the row and insert the new one',
    );
    await expectExact();
  });
});
