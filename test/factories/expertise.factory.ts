import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Role } from '../../src/accounts/entities/user.entity';
import { UsersService } from '../../src/accounts/users.service';
import { referenceData } from '../../src/reference/reference-data';
import { startApp, startWorker, TestApp } from '../setup/app';
import { client } from '../setup/http';
import { startSmtp, TestSmtp } from '../setup/smtp';
import { createUser, TEST_PASSWORD, TestUser } from './users.factory';

/*
 * Test data for the expertise suites, inserted with SQL so these tests do not depend on the campaigns API.
 */

export interface TestCampaign {
  id: string;
  criteria: { id: string; text: string }[];
}

export async function territoryIds(ds: DataSource): Promise<string[]> {
  const rows: { id: string }[] = await ds.query(`SELECT id FROM territories ORDER BY sort_order, name`);
  return rows.map((r) => r.id);
}

export async function createCampaign(ds: DataSource, status = 'draft', criteriaCount = 5): Promise<TestCampaign> {
  const ref = referenceData();
  const slug = `exp-${randomBytes(5).toString('hex')}`;
  const [c] = await ds.query(
    `INSERT INTO campaigns (slug, title, status, criterion_scale, row_version) VALUES ($1, $2, $3, $4::jsonb, 1) RETURNING id`,
    [slug, `Кампания ${slug}`, status, JSON.stringify(ref.defaultCriterionScale)],
  );
  const criteria: { id: string; text: string }[] = [];
  for (let i = 0; i < criteriaCount; i++) {
    const text = ref.defaultExpertCriteria[i % ref.defaultExpertCriteria.length];
    const [row] = await ds.query(`INSERT INTO criteria (campaign_id, text, sort_order) VALUES ($1, $2, $3) RETURNING id`, [c.id, text, i]);
    criteria.push({ id: row.id, text });
  }
  return { id: c.id, criteria };
}

export async function setCampaignStatus(ds: DataSource, campaignId: string, status: string): Promise<void> {
  await ds.query(`UPDATE campaigns SET status = $2 WHERE id = $1`, [campaignId, status]);
}

export async function createDocument(
  ds: DataSource,
  campaignId: string,
  options: { title?: string; direction?: string | null; authorOrganizationId?: string | null; authorTerritoryId?: string | null } = {},
): Promise<{ id: string; title: string }> {
  const title = options.title ?? `Документ ${randomBytes(3).toString('hex')}`;
  const [d] = await ds.query(
    `INSERT INTO documents (campaign_id, title, direction_code, author_organization_id, author_territory_id)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [campaignId, title, options.direction ?? null, options.authorOrganizationId ?? null, options.authorTerritoryId ?? null],
  );
  return { id: d.id, title };
}

export async function createOrganization(
  ds: DataSource,
  territoryId: string,
  name = `Школа ${randomBytes(3).toString('hex')}`,
): Promise<string> {
  const [o] = await ds.query(`INSERT INTO organizations (name, territory_id, type_code) VALUES ($1, $2, 'school') RETURNING id`, [
    name,
    territoryId,
  ]);
  return o.id;
}

export interface TestExpert {
  id: string;
  email: string;
  token: string;
  fullName: string;
}

/** An expert already in the registry with the given status (approved by default), logged in through the API. */
export async function createExpert(
  app: INestApplicationContext,
  url: string,
  ds: DataSource,
  options: { territoryId: string; organizationId?: string | null; competences?: string[]; status?: string; fullName?: string },
): Promise<TestExpert> {
  const email = `expert-${randomBytes(4).toString('hex')}@example.org`;
  const fullName = options.fullName ?? `Эксперт ${randomBytes(2).toString('hex')}`;
  const user = await app.get(UsersService).create({ email, password: TEST_PASSWORD, role: Role.Expert, fullName });
  await ds.query(
    `INSERT INTO expert_profiles (user_id, status, territory_id, organization_id, organization_name, position, competences)
     VALUES ($1, $2, $3, $4, 'Школа', 'Учитель', $5::text[])`,
    [user.id, options.status ?? 'approved', options.territoryId, options.organizationId ?? null, options.competences ?? ['knowledge']],
  );
  const res = await client(url).post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return { id: user.id, email, token: res.body.accessToken, fullName };
}

/** What the expertise suites (assignments, reviews, registry) share: the app, a worker mailing a real SMTP server, an organizer. */
export interface ExpertiseSuite {
  smtp: TestSmtp;
  t: TestApp;
  worker: INestApplicationContext;
  api: ReturnType<typeof client>;
  organizer: TestUser;
  territories: string[];
  close(): Promise<void>;
}

/** Starts the SMTP server first: SMTP_URL must be set before the worker reads its configuration. */
export async function startExpertiseSuite(organizerName?: string): Promise<ExpertiseSuite> {
  const smtp = await startSmtp();
  process.env.SMTP_URL = smtp.url;
  const t = await startApp();
  const worker = await startWorker();
  const organizer = await createUser(t.app, t.url, Role.Organizer, organizerName);
  const territories = await territoryIds(t.dataSource);
  const close = async () => {
    await worker.close();
    await t.close();
    await smtp.close();
  };
  return { smtp, t, worker, api: client(t.url), organizer, territories, close };
}
