import { MigrationInterface, QueryRunner } from 'typeorm';

/** An answer row that says something: a chosen option, a scale value or a non-blank text. */
const counted = (a: string) =>
  `(${a}.option_id IS NOT NULL OR ${a}.value IS NOT NULL OR (${a}.text IS NOT NULL AND btrim(${a}.text) <> ''))`;
const KEY = 'campaign_id, territory_id, organization_type, position, excluded';

/*
 * Adding upserts in key order: two batches that share tally rows lock them in the same order, so they cannot
 * deadlock. Taking away (deleted rows) only updates rows that exist: a campaign being deleted takes its tallies with
 * it, and updating a row already gone does nothing where an upsert would break its foreign key.
 */
export const FUNCTIONS = [
  // What every answer of the given (counted) responses contributes, read from the table: for responses whose
  // answers are all there — deleted responses before their answers go, responses whose exclusion flipped.
  `CREATE FUNCTION tally_answers_of_responses(ids uuid[], sign int) RETURNS void LANGUAGE plpgsql AS $$
  BEGIN
    IF coalesce(cardinality(ids), 0) = 0 THEN RETURN; END IF;
    WITH a AS MATERIALIZED (
      SELECT x.response_id, x.question_id, x.option_id, x.value, ${counted('x')} AS counted, x.text IS NOT NULL AS has_text
        FROM unnest(ids) u(id) JOIN response_answers x ON x.response_id = u.id
    ), o AS (
      INSERT INTO option_tallies AS t (option_id, n)
      SELECT option_id, sign * count(*)::int FROM a WHERE option_id IS NOT NULL GROUP BY 1 ORDER BY 1
      ON CONFLICT (option_id) DO UPDATE SET n = t.n + EXCLUDED.n
    ), s AS (
      INSERT INTO scale_tallies AS t (question_id, value, n)
      SELECT question_id, value, sign * count(*)::int FROM a WHERE value IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (question_id, value) DO UPDATE SET n = t.n + EXCLUDED.n
    )
    INSERT INTO question_tallies AS t (question_id, respondents, text_answers)
    SELECT question_id, sign * count(DISTINCT response_id) FILTER (WHERE counted)::int, sign * count(*) FILTER (WHERE has_text)::int
      FROM a GROUP BY 1 ORDER BY 1
    ON CONFLICT (question_id) DO UPDATE
      SET respondents = t.respondents + EXCLUDED.respondents, text_answers = t.text_answers + EXCLUDED.text_answers;
  END $$`,

  `CREATE FUNCTION tally_responses_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO response_tallies AS t (${KEY}, n)
    SELECT ${KEY}, count(*)::int FROM new_responses GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (${KEY}) DO UPDATE SET n = t.n + EXCLUDED.n;
    RETURN NULL;
  END $$`,

  // Fires before trg_responses_delete_answers (triggers of one event fire in name order), so the answers of the
  // deleted responses are still there to be taken away.
  `CREATE FUNCTION tally_responses_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    counted_ids uuid[];
  BEGIN
    UPDATE response_tallies t SET n = t.n - d.n
      FROM (SELECT ${KEY}, count(*)::int AS n FROM old_responses GROUP BY 1, 2, 3, 4, 5) d
     WHERE (t.campaign_id, t.territory_id, t.organization_type, t.position, t.excluded)
         = (d.campaign_id, d.territory_id, d.organization_type, d.position, d.excluded);
    SELECT array_agg(id) INTO counted_ids FROM old_responses WHERE NOT excluded;
    IF counted_ids IS NOT NULL AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id IN (SELECT campaign_id FROM old_responses)) THEN
      PERFORM tally_answers_of_responses(counted_ids, -1);
    END IF;
    RETURN NULL;
  END $$`,

  // An exclusion (or a corrected territory, organization type or position) moves a response from one key to
  // another; only an exclusion changes what its answers contribute.
  `CREATE FUNCTION tally_responses_updated() RETURNS trigger LANGUAGE plpgsql AS $$
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
    INSERT INTO response_tallies AS t (${KEY}, n)
    SELECT ${KEY}, sum(n)::int FROM (
      SELECT ${KEY}, 1 AS n FROM moved
      UNION ALL SELECT oc, ot, oo, op, oe, -1 FROM moved) d
     GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (${KEY}) DO UPDATE SET n = t.n + EXCLUDED.n;
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
  `CREATE FUNCTION tally_answers_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    WITH inc AS MATERIALIZED (
      SELECT r.id FROM responses r WHERE r.id IN (SELECT DISTINCT response_id FROM new_answers) AND NOT r.excluded
    ), a AS MATERIALIZED (
      SELECT n.response_id, n.question_id, n.option_id, n.value, ${counted('n')} AS counted, n.text IS NOT NULL AS has_text
        FROM new_answers n JOIN inc ON inc.id = n.response_id
    ), o AS (
      INSERT INTO option_tallies AS t (option_id, n)
      SELECT option_id, count(*)::int FROM a WHERE option_id IS NOT NULL GROUP BY 1 ORDER BY 1
      ON CONFLICT (option_id) DO UPDATE SET n = t.n + EXCLUDED.n
    ), s AS (
      INSERT INTO scale_tallies AS t (question_id, value, n)
      SELECT question_id, value, count(*)::int FROM a WHERE value IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
      ON CONFLICT (question_id, value) DO UPDATE SET n = t.n + EXCLUDED.n
    ), added AS (
      SELECT response_id, question_id, count(*)::int AS k FROM a WHERE counted GROUP BY 1, 2
    ), present AS (
      SELECT x.response_id, x.question_id, count(*)::int AS k
        FROM inc JOIN response_answers x ON x.response_id = inc.id WHERE ${counted('x')} GROUP BY 1, 2
    ), fresh AS (
      SELECT added.question_id, count(*)::int AS n FROM added JOIN present p USING (response_id, question_id)
       WHERE p.k = added.k GROUP BY 1
    ), texts AS (
      SELECT question_id, count(*)::int AS n FROM a WHERE has_text GROUP BY 1
    )
    INSERT INTO question_tallies AS t (question_id, respondents, text_answers)
    SELECT question_id, coalesce(f.n, 0), coalesce(x.n, 0) FROM fresh f FULL JOIN texts x USING (question_id) ORDER BY 1
    ON CONFLICT (question_id) DO UPDATE
      SET respondents = t.respondents + EXCLUDED.respondents, text_answers = t.text_answers + EXCLUDED.text_answers;
    RETURN NULL;
  END $$`,

  // Answers deleted on their own (a response deleted with its answers was taken away by its own trigger, and no
  // longer joins here). A pair stops counting when none of its counted rows is left.
  `CREATE FUNCTION tally_answers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    WITH inc AS MATERIALIZED (
      SELECT r.id FROM responses r WHERE r.id IN (SELECT DISTINCT response_id FROM old_answers) AND NOT r.excluded
    ), a AS MATERIALIZED (
      SELECT n.response_id, n.question_id, n.option_id, n.value, ${counted('n')} AS counted, n.text IS NOT NULL AS has_text
        FROM old_answers n JOIN inc ON inc.id = n.response_id
    ), o AS (
      UPDATE option_tallies t SET n = t.n - d.n
        FROM (SELECT option_id, count(*)::int AS n FROM a WHERE option_id IS NOT NULL GROUP BY 1) d
       WHERE t.option_id = d.option_id
    ), s AS (
      UPDATE scale_tallies t SET n = t.n - d.n
        FROM (SELECT question_id, value, count(*)::int AS n FROM a WHERE value IS NOT NULL GROUP BY 1, 2) d
       WHERE t.question_id = d.question_id AND t.value = d.value
    ), gone AS (
      SELECT DISTINCT a.response_id, a.question_id FROM a
       WHERE a.counted AND NOT EXISTS (
         SELECT 1 FROM response_answers x
          WHERE x.response_id = a.response_id AND x.question_id = a.question_id AND ${counted('x')})
    ), taken AS (
      SELECT question_id, count(*)::int AS respondents, 0 AS texts FROM gone GROUP BY 1
      UNION ALL SELECT question_id, 0, count(*)::int FROM a WHERE has_text GROUP BY 1
    )
    UPDATE question_tallies t SET respondents = t.respondents - d.respondents, text_answers = t.text_answers - d.texts
      FROM (SELECT question_id, sum(respondents)::int AS respondents, sum(texts)::int AS texts FROM taken GROUP BY 1) d
     WHERE t.question_id = d.question_id;
    RETURN NULL;
  END $$`,

  // Answers are only inserted and deleted (docs/results.md): an update would need both halves of the bookkeeping.
  `CREATE FUNCTION response_answers_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'response_answers rows are not updated: delete the row and insert the new one';
  END $$`,
];

const TRIGGERS = [
  `CREATE TRIGGER trg_responses_count_inserted AFTER INSERT ON responses
     REFERENCING NEW TABLE AS new_responses FOR EACH STATEMENT EXECUTE FUNCTION tally_responses_inserted()`,
  `CREATE TRIGGER trg_responses_count_deleted AFTER DELETE ON responses
     REFERENCING OLD TABLE AS old_responses FOR EACH STATEMENT EXECUTE FUNCTION tally_responses_deleted()`,
  `CREATE TRIGGER trg_responses_count_updated AFTER UPDATE ON responses
     REFERENCING OLD TABLE AS old_responses NEW TABLE AS new_responses FOR EACH STATEMENT EXECUTE FUNCTION tally_responses_updated()`,
  `CREATE TRIGGER trg_response_answers_count_inserted AFTER INSERT ON response_answers
     REFERENCING NEW TABLE AS new_answers FOR EACH STATEMENT EXECUTE FUNCTION tally_answers_inserted()`,
  `CREATE TRIGGER trg_response_answers_count_deleted AFTER DELETE ON response_answers
     REFERENCING OLD TABLE AS old_answers FOR EACH STATEMENT EXECUTE FUNCTION tally_answers_deleted()`,
  `CREATE TRIGGER trg_response_answers_refuse_update BEFORE UPDATE ON response_answers
     FOR EACH STATEMENT EXECUTE FUNCTION response_answers_refuse_update()`,
];

/** The rows stored before this migration, counted once (the tables are locked: no batch lands in between). */
const BACKFILL = [
  `LOCK TABLE responses, response_answers IN SHARE MODE`,
  `INSERT INTO response_tallies (${KEY}, n) SELECT ${KEY}, count(*)::int FROM responses GROUP BY 1, 2, 3, 4, 5`,
  `INSERT INTO option_tallies (option_id, n)
   SELECT a.option_id, count(*)::int FROM response_answers a JOIN responses r ON r.id = a.response_id AND NOT r.excluded
    WHERE a.option_id IS NOT NULL GROUP BY 1`,
  `INSERT INTO scale_tallies (question_id, value, n)
   SELECT a.question_id, a.value, count(*)::int FROM response_answers a JOIN responses r ON r.id = a.response_id AND NOT r.excluded
    WHERE a.value IS NOT NULL GROUP BY 1, 2`,
  `INSERT INTO question_tallies (question_id, respondents, text_answers)
   SELECT a.question_id, count(DISTINCT a.response_id) FILTER (WHERE ${counted('a')})::int, count(*) FILTER (WHERE a.text IS NOT NULL)::int
     FROM response_answers a JOIN responses r ON r.id = a.response_id AND NOT r.excluded GROUP BY 1`,
];

const DROP = [
  `DROP TRIGGER trg_response_answers_refuse_update ON response_answers`,
  `DROP TRIGGER trg_response_answers_count_deleted ON response_answers`,
  `DROP TRIGGER trg_response_answers_count_inserted ON response_answers`,
  `DROP TRIGGER trg_responses_count_updated ON responses`,
  `DROP TRIGGER trg_responses_count_deleted ON responses`,
  `DROP TRIGGER trg_responses_count_inserted ON responses`,
  `DROP FUNCTION response_answers_refuse_update()`,
  `DROP FUNCTION tally_answers_deleted()`,
  `DROP FUNCTION tally_answers_inserted()`,
  `DROP FUNCTION tally_responses_updated()`,
  `DROP FUNCTION tally_responses_deleted()`,
  `DROP FUNCTION tally_responses_inserted()`,
  `DROP FUNCTION tally_answers_of_responses(uuid[], int)`,
];

/**
 * Running counts of a round (docs/results.md «Tallies»): four tables kept by statement-level triggers on
 * `responses` and `response_answers`, so the statement that stores a batch of submissions, excludes a response or
 * deletes one moves them in the same transaction; aggregation and the live figures read ~100 rows instead of
 * counting millions. Existing rows are counted once here.
 */
export class DiscussionTallies1796234765308 implements MigrationInterface {
  name = 'DiscussionTallies1796234765308';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "response_tallies" (
                "campaign_id" uuid NOT NULL,
                "territory_id" uuid NOT NULL,
                "organization_type" text NOT NULL,
                "position" text NOT NULL,
                "excluded" boolean NOT NULL,
                "n" integer NOT NULL,
                CONSTRAINT "PK_c0a425959028cbed68c2cd9fa77" PRIMARY KEY (
                    "campaign_id",
                    "territory_id",
                    "organization_type",
                    "position",
                    "excluded"
                )
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "option_tallies" (
                "option_id" uuid NOT NULL,
                "n" integer NOT NULL,
                CONSTRAINT "PK_4513db3d9f276081db654211c45" PRIMARY KEY ("option_id")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "scale_tallies" (
                "question_id" uuid NOT NULL,
                "value" integer NOT NULL,
                "n" integer NOT NULL,
                CONSTRAINT "PK_77b51d35295707b5b5ec35dea88" PRIMARY KEY ("question_id", "value")
            )
        `);
    await queryRunner.query(`
            CREATE TABLE "question_tallies" (
                "question_id" uuid NOT NULL,
                "respondents" integer NOT NULL,
                "text_answers" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_b161343ed393e37725e7e2eb426" PRIMARY KEY ("question_id")
            )
        `);
    await queryRunner.query(`
            ALTER TABLE "response_tallies"
            ADD CONSTRAINT "FK_07e6934bdd7165b74bd4c63d588" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "response_tallies"
            ADD CONSTRAINT "FK_f5d9544a18e76975598f8e31119" FOREIGN KEY ("territory_id") REFERENCES "territories"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "option_tallies"
            ADD CONSTRAINT "FK_4513db3d9f276081db654211c45" FOREIGN KEY ("option_id") REFERENCES "question_options"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "scale_tallies"
            ADD CONSTRAINT "FK_735c1c024c1f8d707e7a355490b" FOREIGN KEY ("question_id") REFERENCES "questions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "question_tallies"
            ADD CONSTRAINT "FK_b161343ed393e37725e7e2eb426" FOREIGN KEY ("question_id") REFERENCES "questions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    for (const sql of [...FUNCTIONS, ...TRIGGERS, ...BACKFILL]) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of DROP) await queryRunner.query(sql);
    await queryRunner.query(`
            ALTER TABLE "question_tallies" DROP CONSTRAINT "FK_b161343ed393e37725e7e2eb426"
        `);
    await queryRunner.query(`
            ALTER TABLE "scale_tallies" DROP CONSTRAINT "FK_735c1c024c1f8d707e7a355490b"
        `);
    await queryRunner.query(`
            ALTER TABLE "option_tallies" DROP CONSTRAINT "FK_4513db3d9f276081db654211c45"
        `);
    await queryRunner.query(`
            ALTER TABLE "response_tallies" DROP CONSTRAINT "FK_f5d9544a18e76975598f8e31119"
        `);
    await queryRunner.query(`
            ALTER TABLE "response_tallies" DROP CONSTRAINT "FK_07e6934bdd7165b74bd4c63d588"
        `);
    await queryRunner.query(`
            DROP TABLE "question_tallies"
        `);
    await queryRunner.query(`
            DROP TABLE "scale_tallies"
        `);
    await queryRunner.query(`
            DROP TABLE "option_tallies"
        `);
    await queryRunner.query(`
            DROP TABLE "response_tallies"
        `);
  }
}
