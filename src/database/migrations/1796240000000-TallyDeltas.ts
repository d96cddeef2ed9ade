import { MigrationInterface, QueryRunner } from 'typeorm';
import { FUNCTIONS as UPSERTING_FUNCTIONS } from './1796234765308-DiscussionTallies';

/** An answer row that says something: a chosen option, a scale value or a non-blank text. */
const counted = (a: string) =>
  `(${a}.option_id IS NOT NULL OR ${a}.value IS NOT NULL OR (${a}.text IS NOT NULL AND btrim(${a}.text) <> ''))`;
const KEY = 'campaign_id, territory_id, organization_type, position, excluded';

const TABLES = [
  `CREATE TABLE response_tally_deltas (campaign_id uuid NOT NULL, territory_id uuid NOT NULL, organization_type text NOT NULL,
     position text NOT NULL, excluded boolean NOT NULL, n integer NOT NULL)`,
  `CREATE TABLE option_tally_deltas (option_id uuid NOT NULL, n integer NOT NULL)`,
  `CREATE TABLE scale_tally_deltas (question_id uuid NOT NULL, value integer NOT NULL, n integer NOT NULL)`,
  `CREATE TABLE question_tally_deltas (question_id uuid NOT NULL, respondents integer NOT NULL, text_answers integer NOT NULL)`,
];

/** What readers read: the folded totals plus the deltas not folded yet, in one snapshot. */
const VIEWS = [
  `CREATE VIEW response_tally_sums AS
   SELECT ${KEY}, sum(n)::int AS n
     FROM (SELECT ${KEY}, n FROM response_tallies UNION ALL SELECT ${KEY}, n FROM response_tally_deltas) x
    GROUP BY 1, 2, 3, 4, 5`,
  `CREATE VIEW option_tally_sums AS
   SELECT option_id, sum(n)::int AS n
     FROM (SELECT option_id, n FROM option_tallies UNION ALL SELECT option_id, n FROM option_tally_deltas) x
    GROUP BY 1`,
  `CREATE VIEW scale_tally_sums AS
   SELECT question_id, value, sum(n)::int AS n
     FROM (SELECT question_id, value, n FROM scale_tallies UNION ALL SELECT question_id, value, n FROM scale_tally_deltas) x
    GROUP BY 1, 2`,
  `CREATE VIEW question_tally_sums AS
   SELECT question_id, sum(respondents)::int AS respondents, sum(text_answers)::int AS text_answers
     FROM (SELECT question_id, respondents, text_answers FROM question_tallies
           UNION ALL SELECT question_id, respondents, text_answers FROM question_tally_deltas) x
    GROUP BY 1`,
];

/*
 * Every write appends what it changes to the delta tables (no key, no index: an insert, never an update), and
 * fold_tallies() moves them into the totals. Before, each batch upserted the same few dozen total rows: concurrent
 * batches queued on those row locks and every update left a dead version behind (PostgreSQL's CPU per submission
 * was ~200 µs higher than with plain inserts, docs/benchmarks.md).
 *
 * Lookups in `responses` and `response_answers` go by arrays of response ids (`= ANY`), never by a join with a
 * transition table: the planner cannot know a transition table's size past a DISTINCT (it guesses 200 rows), planned
 * hash joins over the whole of both tables, and PL/pgSQL kept that plan until the next ANALYZE, so each batch of
 * submissions scanned every answer stored so far.
 */
const FUNCTIONS = [
  `CREATE OR REPLACE FUNCTION tally_answers_of_responses(ids uuid[], sign int) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
    WITH a AS MATERIALIZED (
      SELECT x.response_id, x.question_id, x.option_id, x.value, ${counted('x')} AS counted, x.text IS NOT NULL AS has_text
        FROM response_answers x WHERE x.response_id = ANY (ids)
    ), o AS (
      INSERT INTO option_tally_deltas (option_id, n)
      SELECT option_id, sign * count(*)::int FROM a WHERE option_id IS NOT NULL GROUP BY 1
    ), s AS (
      INSERT INTO scale_tally_deltas (question_id, value, n)
      SELECT question_id, value, sign * count(*)::int FROM a WHERE value IS NOT NULL GROUP BY 1, 2
    )
    INSERT INTO question_tally_deltas (question_id, respondents, text_answers)
    SELECT question_id, sign * count(DISTINCT response_id) FILTER (WHERE counted)::int, sign * count(*) FILTER (WHERE has_text)::int
      FROM a GROUP BY 1;
  END $$`,

  `CREATE OR REPLACE FUNCTION tally_responses_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO response_tally_deltas (${KEY}, n) SELECT ${KEY}, count(*)::int FROM new_responses GROUP BY 1, 2, 3, 4, 5;
    RETURN NULL;
  END $$`,

  // Fires before trg_responses_delete_answers (triggers of one event fire in name order), so the answers of the
  // deleted responses are still there to be taken away. A campaign being deleted takes its totals with it, and
  // fold_tallies() drops deltas whose campaign is gone.
  `CREATE OR REPLACE FUNCTION tally_responses_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    counted_ids uuid[];
  BEGIN
    INSERT INTO response_tally_deltas (${KEY}, n) SELECT ${KEY}, -count(*)::int FROM old_responses GROUP BY 1, 2, 3, 4, 5;
    SELECT array_agg(id) INTO counted_ids FROM old_responses WHERE NOT excluded;
    IF counted_ids IS NOT NULL AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id IN (SELECT campaign_id FROM old_responses)) THEN
      PERFORM tally_answers_of_responses(counted_ids, -1);
    END IF;
    RETURN NULL;
  END $$`,

  // An exclusion (or a corrected territory, organization type or position) moves a response from one key to
  // another; only an exclusion changes what its answers contribute.
  `CREATE OR REPLACE FUNCTION tally_responses_updated() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    now_excluded uuid[];
    now_counted uuid[];
  BEGIN
    WITH moved AS MATERIALIZED (
      SELECT o.campaign_id AS oc, o.territory_id AS ot, o.organization_type AS oo, o.position AS op, o.excluded AS oe,
             n.campaign_id, n.territory_id, n.organization_type, n.position, n.excluded
        FROM old_responses o JOIN new_responses n ON n.id = o.id
       WHERE (o.campaign_id, o.territory_id, o.organization_type, o.position, o.excluded)
             IS DISTINCT FROM (n.campaign_id, n.territory_id, n.organization_type, n.position, n.excluded)
    )
    INSERT INTO response_tally_deltas (${KEY}, n)
    SELECT ${KEY}, sum(n)::int FROM (
      SELECT ${KEY}, 1 AS n FROM moved
      UNION ALL SELECT oc, ot, oo, op, oe, -1 FROM moved) d
     GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0;
    SELECT array_agg(n.id) FILTER (WHERE n.excluded AND NOT o.excluded),
           array_agg(n.id) FILTER (WHERE o.excluded AND NOT n.excluded)
      INTO now_excluded, now_counted
      FROM old_responses o JOIN new_responses n ON n.id = o.id
     WHERE o.excluded <> n.excluded;
    PERFORM tally_answers_of_responses(now_excluded, -1);
    PERFORM tally_answers_of_responses(now_counted, 1);
    RETURN NULL;
  END $$`,

  // Answers of a counted response. "Answered" counts a respondent once per question: a new (response, question)
  // pair is one whose counted rows in the table are exactly the ones this statement inserted (one range scan of
  // the primary key per response, so answers added to an existing response later are not counted twice).
  `CREATE OR REPLACE FUNCTION tally_answers_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    ids uuid[];
    inc uuid[];
  BEGIN
    SELECT array_agg(DISTINCT response_id) INTO ids FROM new_answers;
    SELECT array_agg(r.id) INTO inc FROM responses r WHERE r.id = ANY (ids) AND NOT r.excluded;
    IF inc IS NULL THEN RETURN NULL; END IF;
    WITH a AS MATERIALIZED (
      SELECT n.response_id, n.question_id, n.option_id, n.value, ${counted('n')} AS counted, n.text IS NOT NULL AS has_text
        FROM new_answers n WHERE n.response_id = ANY (inc)
    ), o AS (
      INSERT INTO option_tally_deltas (option_id, n)
      SELECT option_id, count(*)::int FROM a WHERE option_id IS NOT NULL GROUP BY 1
    ), s AS (
      INSERT INTO scale_tally_deltas (question_id, value, n)
      SELECT question_id, value, count(*)::int FROM a WHERE value IS NOT NULL GROUP BY 1, 2
    ), added AS (
      SELECT response_id, question_id, count(*)::int AS k FROM a WHERE counted GROUP BY 1, 2
    ), present AS (
      SELECT x.response_id, x.question_id, count(*)::int AS k
        FROM response_answers x WHERE x.response_id = ANY (inc) AND ${counted('x')} GROUP BY 1, 2
    ), fresh AS (
      SELECT added.question_id, count(*)::int AS n FROM added JOIN present p USING (response_id, question_id)
       WHERE p.k = added.k GROUP BY 1
    ), texts AS (
      SELECT question_id, count(*)::int AS n FROM a WHERE has_text GROUP BY 1
    )
    INSERT INTO question_tally_deltas (question_id, respondents, text_answers)
    SELECT question_id, coalesce(f.n, 0), coalesce(x.n, 0) FROM fresh f FULL JOIN texts x USING (question_id);
    RETURN NULL;
  END $$`,

  // Answers deleted on their own (a response deleted with its answers was taken away by its own trigger, and no
  // longer joins here). A pair stops counting when none of its counted rows is left.
  `CREATE OR REPLACE FUNCTION tally_answers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    ids uuid[];
    inc uuid[];
  BEGIN
    SELECT array_agg(DISTINCT response_id) INTO ids FROM old_answers;
    SELECT array_agg(r.id) INTO inc FROM responses r WHERE r.id = ANY (ids) AND NOT r.excluded;
    IF inc IS NULL THEN RETURN NULL; END IF;
    WITH a AS MATERIALIZED (
      SELECT n.response_id, n.question_id, n.option_id, n.value, ${counted('n')} AS counted, n.text IS NOT NULL AS has_text
        FROM old_answers n WHERE n.response_id = ANY (inc)
    ), o AS (
      INSERT INTO option_tally_deltas (option_id, n)
      SELECT option_id, -count(*)::int FROM a WHERE option_id IS NOT NULL GROUP BY 1
    ), s AS (
      INSERT INTO scale_tally_deltas (question_id, value, n)
      SELECT question_id, value, -count(*)::int FROM a WHERE value IS NOT NULL GROUP BY 1, 2
    ), still AS (
      SELECT DISTINCT x.response_id, x.question_id FROM response_answers x WHERE x.response_id = ANY (inc) AND ${counted('x')}
    ), gone AS (
      SELECT response_id, question_id FROM a WHERE counted
      EXCEPT SELECT response_id, question_id FROM still
    ), taken AS (
      SELECT question_id, count(*)::int AS respondents, 0 AS texts FROM gone GROUP BY 1
      UNION ALL SELECT question_id, 0, count(*)::int FROM a WHERE has_text GROUP BY 1
    )
    INSERT INTO question_tally_deltas (question_id, respondents, text_answers)
    SELECT question_id, -sum(respondents)::int, -sum(texts)::int FROM taken GROUP BY 1;
    RETURN NULL;
  END $$`,

  // Moves the deltas committed so far into the totals, in one transaction (a reader sees them either still as
  // deltas or already in the totals, never both). Deltas whose campaign, territory, option or question is gone are
  // dropped: their totals went with it (ON DELETE CASCADE). One fold at a time (a transaction-level advisory
  // lock); a second caller returns at once, and the next fold takes what it left. Returns the delta rows folded.
  `CREATE FUNCTION fold_tallies() RETURNS bigint LANGUAGE plpgsql AS $$
  DECLARE
    folded bigint := 0;
    k bigint;
  BEGIN
    IF NOT pg_try_advisory_xact_lock(1796240000000) THEN RETURN 0; END IF;
    WITH d AS (DELETE FROM response_tally_deltas RETURNING *), f AS (
      INSERT INTO response_tallies AS t (${KEY}, n)
      SELECT ${KEY}, sum(n)::int FROM d
       WHERE EXISTS (SELECT 1 FROM campaigns c WHERE c.id = d.campaign_id)
         AND EXISTS (SELECT 1 FROM territories x WHERE x.id = d.territory_id)
       GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (${KEY}) DO UPDATE SET n = t.n + EXCLUDED.n
    ) SELECT count(*) INTO k FROM d;
    folded := folded + k;
    WITH d AS (DELETE FROM option_tally_deltas RETURNING *), f AS (
      INSERT INTO option_tallies AS t (option_id, n)
      SELECT option_id, sum(n)::int FROM d WHERE EXISTS (SELECT 1 FROM question_options o WHERE o.id = d.option_id)
       GROUP BY 1 ORDER BY 1
      ON CONFLICT (option_id) DO UPDATE SET n = t.n + EXCLUDED.n
    ) SELECT count(*) INTO k FROM d;
    folded := folded + k;
    WITH d AS (DELETE FROM scale_tally_deltas RETURNING *), f AS (
      INSERT INTO scale_tallies AS t (question_id, value, n)
      SELECT question_id, value, sum(n)::int FROM d WHERE EXISTS (SELECT 1 FROM questions q WHERE q.id = d.question_id)
       GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (question_id, value) DO UPDATE SET n = t.n + EXCLUDED.n
    ) SELECT count(*) INTO k FROM d;
    folded := folded + k;
    WITH d AS (DELETE FROM question_tally_deltas RETURNING *), f AS (
      INSERT INTO question_tallies AS t (question_id, respondents, text_answers)
      SELECT question_id, sum(respondents)::int, sum(text_answers)::int FROM d
       WHERE EXISTS (SELECT 1 FROM questions q WHERE q.id = d.question_id)
       GROUP BY 1 ORDER BY 1
      ON CONFLICT (question_id) DO UPDATE
        SET respondents = t.respondents + EXCLUDED.respondents, text_answers = t.text_answers + EXCLUDED.text_answers
    ) SELECT count(*) INTO k FROM d;
    RETURN folded + k;
  END $$`,
];

const REPLACED = [
  'tally_answers_of_responses(',
  'tally_responses_inserted(',
  'tally_responses_deleted(',
  'tally_responses_updated(',
  'tally_answers_inserted(',
  'tally_answers_deleted(',
];

/**
 * Tallies become append-only on the write path (docs/results.md «Tallies»): four delta tables the triggers insert
 * into, four `*_tally_sums` views readers read (totals + deltas), and fold_tallies(), run by the worker's scheduler
 * tick and before every aggregation.
 */
export class TallyDeltas1796240000000 implements MigrationInterface {
  name = 'TallyDeltas1796240000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [...TABLES, ...VIEWS, ...FUNCTIONS]) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // the upserting triggers first, so nothing lands in the deltas while they are folded for the last time
    const previous = UPSERTING_FUNCTIONS.filter((sql) => REPLACED.some((name) => sql.includes(`FUNCTION ${name}`)));
    for (const sql of previous) await queryRunner.query(sql.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
    await queryRunner.query(`LOCK TABLE response_tally_deltas, option_tally_deltas, scale_tally_deltas, question_tally_deltas`);
    await queryRunner.query(`SELECT fold_tallies()`);
    await queryRunner.query(`DROP FUNCTION fold_tallies()`);
    for (const view of ['question_tally_sums', 'scale_tally_sums', 'option_tally_sums', 'response_tally_sums']) {
      await queryRunner.query(`DROP VIEW ${view}`);
    }
    for (const table of ['question_tally_deltas', 'scale_tally_deltas', 'option_tally_deltas', 'response_tally_deltas']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
