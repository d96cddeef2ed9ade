import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Role } from '../../src/accounts/entities/user.entity';
import { UsersService } from '../../src/accounts/users.service';
import { createCampaign, FactoryCampaign } from './campaign.factory';
import { TEST_PASSWORD } from './users.factory';

/**
 * A campaign at the seed's scale, written with set-based SQL (seconds, not minutes): 2,603 responses spread over
 * every territory, position and organization type (every 17th flagged as a possible duplicate, every 41st excluded),
 * each answering the first question of every document; 132 approved experts (each can sign in with TEST_PASSWORD),
 * every document assigned to 4 of them, a third of the reviews submitted. Tests recompute every figure from the rows.
 */
export const SCALE = { responses: 2603, experts: 132, documents: 6, perDocument: 4 } as const;

export interface ScaleFixture {
  campaign: FactoryCampaign;
  expertEmails: string[];
}

export async function createScaleCampaign(
  app: INestApplicationContext,
  ds: DataSource,
  status: 'discussion' | 'expertise' = 'expertise',
): Promise<ScaleFixture> {
  const campaign = await createCampaign(ds, { status, documents: SCALE.documents, generalQuestions: true });
  const tag = randomBytes(3).toString('hex');
  await insertResponses(ds, campaign, tag);
  const expertEmails = await insertExperts(app, ds, tag);
  await ds.query(`INSERT INTO criteria (campaign_id, text, sort_order) SELECT $1, 'Критерий ' || g, g FROM generate_series(1, 5) g`, [
    campaign.id,
  ]);
  await insertAssignments(ds, campaign, expertEmails);
  return { campaign, expertEmails };
}

async function insertResponses(ds: DataSource, campaign: FactoryCampaign, tag: string): Promise<void> {
  // one multi-choice question per document (its first option is chosen), all inserted in one statement each
  await ds.query(
    `WITH t AS (SELECT array_agg(id ORDER BY name) AS ids FROM territories WHERE active),
          p AS (SELECT array_agg(code ORDER BY sort_order) AS codes FROM positions),
          o AS (SELECT array_agg(code ORDER BY sort_order) AS codes FROM organization_types)
     INSERT INTO responses (campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position,
                            client_hash, suspected_duplicate, excluded, excluded_reason, excluded_at, created_at)
     SELECT $1, 'S' || $2 || '-' || lpad(g::text, 4, '0'), 'seed-' || g, 'body-' || g,
            t.ids[1 + g % array_length(t.ids, 1)], o.codes[1 + g % array_length(o.codes, 1)], p.codes[1 + (g / 7) % array_length(p.codes, 1)],
            md5('client-' || (g / 3)), g % 17 = 0, g % 41 = 0, CASE WHEN g % 41 = 0 THEN 'Повтор' END,
            CASE WHEN g % 41 = 0 THEN now() END, now() - (g || ' minutes')::interval
       FROM generate_series(1, $3::int) g, t, p, o`,
    [campaign.id, tag.toUpperCase(), SCALE.responses],
  );
  for (const q of campaign.questions.filter((x) => x.kind === 'multi' && x.options.length)) {
    await ds.query(
      `INSERT INTO response_answers (response_id, question_id, option_id) SELECT id, $2, $3 FROM responses WHERE campaign_id = $1`,
      [campaign.id, q.id, q.options[0].id],
    );
  }
}

async function insertExperts(app: INestApplicationContext, ds: DataSource, tag: string): Promise<string[]> {
  // one user through the service (a real password hash), the rest copy its hash
  const first = await app.get(UsersService).create({
    email: `scale-${tag}-0@example.org`,
    password: TEST_PASSWORD,
    role: Role.Expert,
    fullName: 'Эксперт Первый',
  });
  const rows: { email: string }[] = await ds.query(
    `INSERT INTO users (email, password_hash, role, full_name, email_confirmed_at)
     SELECT 'scale-' || $2 || '-' || g || '@example.org', u.password_hash, 'expert', 'Эксперт № ' || g, now()
       FROM generate_series(1, $3::int) g, users u WHERE u.id = $1
     RETURNING email`,
    [first.id, tag, SCALE.experts - 1],
  );
  await ds.query(
    `WITH t AS (SELECT array_agg(id ORDER BY name) AS ids FROM territories WHERE active),
          d AS (SELECT array_agg(code ORDER BY sort_order) AS codes FROM directions)
     INSERT INTO expert_profiles (user_id, status, territory_id, organization_name, position, competences, decided_at)
     SELECT u.id, 'approved', t.ids[1 + (row_number() OVER (ORDER BY u.email))::int % array_length(t.ids, 1)], 'Школа', 'Учитель',
            ARRAY[d.codes[1 + (row_number() OVER (ORDER BY u.email))::int % array_length(d.codes, 1)]], now()
       FROM users u, t, d WHERE u.email LIKE 'scale-' || $1 || '-%'`,
    [tag],
  );
  return [first.email, ...rows.map((r) => r.email)];
}

async function insertAssignments(ds: DataSource, campaign: FactoryCampaign, emails: string[]): Promise<void> {
  await ds.query(
    `WITH e AS (SELECT u.id, row_number() OVER (ORDER BY u.email) AS n FROM users u WHERE u.email = ANY($2::text[])),
          d AS (SELECT id, row_number() OVER (ORDER BY sort_order, title) AS n FROM documents WHERE campaign_id = $1)
     INSERT INTO assignments (campaign_id, document_id, expert_id, due_at, status, submitted_at, row_version)
     SELECT $1, d.id, e.id, now() + interval '7 days',
            CASE WHEN e.n % 3 = 0 THEN 'submitted' ELSE 'assigned' END, CASE WHEN e.n % 3 = 0 THEN now() END, 1
       FROM d JOIN e ON e.n BETWEEN (d.n - 1) * $3 + 1 AND d.n * $3`,
    [campaign.id, emails, SCALE.perDocument],
  );
  await ds.query(
    `INSERT INTO review_scores (assignment_id, criterion_id, score)
     SELECT a.id, c.id, 1 + (abs(hashtext(a.id::text || c.id::text)) % 4)
       FROM assignments a JOIN criteria c ON c.campaign_id = a.campaign_id
      WHERE a.campaign_id = $1 AND a.status = 'submitted'`,
    [campaign.id],
  );
}
