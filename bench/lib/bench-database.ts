import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ReferenceRepository } from '../../src/reference/reference.repository';
import { ReferenceService } from '../../src/reference/reference.service';
import { referenceData } from '../../src/reference/reference-data';

export interface BenchQuestion {
  id: string;
  kind: string;
  options: { id: string; exclusive: boolean }[];
  /** Scale bounds (0..0 for other kinds). */
  min: number;
  max: number;
}

/** A benchmark's own (already created) database: migrated and loaded with reference data, as a real install. */
export async function openBenchDatabase(url: string): Promise<DataSource> {
  const options = dataSourceOptions(loadConfig({ ...process.env, DATABASE_URL: url }));
  // filling a million responses takes minutes per statement: no request waits on these
  const ds = new DataSource({ ...options, logging: false, extra: { ...options.extra, statement_timeout: 0 } });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await new ReferenceService(new ReferenceRepository(ds)).seedReference();
  return ds;
}

/** `count` documents, each with the default questionnaire of reference.json (as an organizer's upload adds it). */
export async function insertBenchDocuments(ds: DataSource, campaignId: string, count: number): Promise<BenchQuestion[]> {
  const questions: BenchQuestion[] = [];
  for (let d = 0; d < count; d++) {
    const [doc] = await ds.query(`INSERT INTO documents (campaign_id, title, sort_order) VALUES ($1, $2, $3) RETURNING id`, [
      campaignId,
      `Модельный документ ${d + 1}`,
      d,
    ]);
    for (const [i, q] of referenceData().defaultDiscussionQuestions.entries()) {
      const [row] = await ds.query(
        `INSERT INTO questions (campaign_id, document_id, kind, text, required, sort_order, scale_min, scale_max, max_length)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [campaignId, doc.id, q.kind, q.text, q.required, i, q.scale?.min ?? null, q.scale?.max ?? null, q.maxLength ?? null],
      );
      const options: BenchQuestion['options'] = [];
      for (const [j, o] of (q.options ?? []).entries()) {
        const [opt] = await ds.query(
          `INSERT INTO question_options (question_id, text, exclusive, sort_order) VALUES ($1, $2, $3, $4) RETURNING id`,
          [row.id, o.text, o.exclusive ?? false, j],
        );
        options.push({ id: opt.id, exclusive: o.exclusive ?? false });
      }
      questions.push({ id: row.id, kind: q.kind, options, min: q.scale?.min ?? 0, max: q.scale?.max ?? 0 });
    }
  }
  return questions;
}

/**
 * `count` synthetic responses of a campaign from the first `territories` active municipalities, then every answer of
 * every question in ONE statement (as a submission batch stores its answers, so the tally triggers run once): one
 * option of each single choice, each multi-select option with probability 0.4, a uniform scale value, a text for
 * 30 % of respondents. Every 250th response is excluded. Row numbers are bigint: i * 7919 passes int4 at 271,000.
 */
export async function insertBenchResponses(
  ds: DataSource,
  campaignId: string,
  questions: BenchQuestion[],
  count: number,
  territories = 43,
): Promise<void> {
  await ds.query(
    `INSERT INTO responses (campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position, client_hash, excluded, created_at)
     SELECT $1, 'B' || lpad(i::text, 7, '0'), 'k' || i, 'h',
            (SELECT array_agg(id ORDER BY sort_order) FROM territories WHERE active)[1 + (i * 7919) % $3::int],
            (ARRAY(SELECT code FROM organization_types ORDER BY sort_order))[1 + (i * 31) % 8],
            (ARRAY(SELECT code FROM positions ORDER BY sort_order))[1 + (i * 17) % 8],
            'c' || (i % 5000), i % 250 = 0, now() - (i * interval '1 second')
       FROM generate_series(1::bigint, $2::bigint) AS i`,
    [campaignId, count, territories],
  );
  // ids are the database's own uuids, written as literals so the statement needs one parameter
  const arms: string[] = [];
  const all = `FROM responses r WHERE r.campaign_id = $1`;
  for (const q of questions) {
    const id = `'${q.id}'::uuid`;
    if (q.kind === 'single') {
      const options = `ARRAY[${q.options.map((o) => `'${o.id}'::uuid`).join(', ')}]`;
      arms.push(`SELECT r.id, ${id}, (${options})[1 + floor(random() * ${q.options.length})::int], NULL::int, NULL::text ${all}`);
    } else if (q.kind === 'multi') {
      for (const o of q.options) arms.push(`SELECT r.id, ${id}, '${o.id}'::uuid, NULL::int, NULL::text ${all} AND random() < 0.4`);
    } else if (q.kind === 'scale') {
      arms.push(`SELECT r.id, ${id}, NULL::uuid, ${q.min} + floor(random() * ${q.max - q.min + 1})::int, NULL::text ${all}`);
    } else {
      arms.push(
        `SELECT r.id, ${id}, NULL::uuid, NULL::int, 'Предложение по документу: добавить примеры для сельских школ, ответ ' || r.receipt ${all} AND random() < 0.3`,
      );
    }
  }
  await ds.query(`INSERT INTO response_answers (response_id, question_id, option_id, value, text) ${arms.join(' UNION ALL ')}`, [
    campaignId,
  ]);
}

/**
 * The campaign's tallies (kept by triggers) against a recount from the raw rows — what aggregation counted before
 * the tallies existed: "key: tally ≠ recount" for each difference, none when they agree.
 */
export async function tallyMismatches(ds: { query(sql: string, params?: unknown[]): Promise<any[]> }, campaignId: string): Promise<string[]> {
  const rows: { k: string; tally: number | null; recount: number | null }[] = await ds.query(
    `WITH c AS (SELECT a.* FROM response_answers a JOIN responses r ON r.id = a.response_id WHERE r.campaign_id = $1 AND NOT r.excluded),
     q AS (SELECT id FROM questions WHERE campaign_id = $1),
     recount AS (
       SELECT 'r/' || territory_id || '/' || organization_type || '/' || position || '/' || excluded AS k, count(*)::int AS n
         FROM responses WHERE campaign_id = $1 GROUP BY 1
       UNION ALL SELECT 'o/' || option_id, count(*)::int FROM c WHERE option_id IS NOT NULL GROUP BY 1
       UNION ALL SELECT 's/' || question_id || '/' || value, count(*)::int FROM c WHERE value IS NOT NULL GROUP BY 1
       UNION ALL SELECT 'q/' || question_id, count(DISTINCT response_id)::int FROM c
                  WHERE option_id IS NOT NULL OR value IS NOT NULL OR btrim(coalesce(text, '')) <> '' GROUP BY 1
       UNION ALL SELECT 't/' || question_id, count(*)::int FROM c WHERE text IS NOT NULL GROUP BY 1),
     tally AS (
       SELECT 'r/' || territory_id || '/' || organization_type || '/' || position || '/' || excluded AS k, n FROM response_tally_sums WHERE campaign_id = $1
       UNION ALL SELECT 'o/' || option_id, n FROM option_tally_sums WHERE option_id IN (SELECT o.id FROM question_options o WHERE o.question_id IN (SELECT id FROM q))
       UNION ALL SELECT 's/' || question_id || '/' || value, n FROM scale_tally_sums WHERE question_id IN (SELECT id FROM q)
       UNION ALL SELECT 'q/' || question_id, respondents FROM question_tally_sums WHERE question_id IN (SELECT id FROM q)
       UNION ALL SELECT 't/' || question_id, text_answers FROM question_tally_sums WHERE question_id IN (SELECT id FROM q))
     SELECT k, t.n AS tally, r.n AS recount FROM tally t FULL JOIN recount r USING (k)
      WHERE coalesce(t.n, 0) <> coalesce(r.n, 0)`,
    [campaignId],
  );
  return rows.map((r) => `${r.k}: ${r.tally ?? 0} ≠ ${r.recount ?? 0}`);
}
