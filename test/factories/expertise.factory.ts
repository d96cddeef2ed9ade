import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Role } from '../../src/accounts/entities/user.entity';
import { UsersService } from '../../src/accounts/users.service';
import { loadConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ReferenceService } from '../../src/reference/reference.service';
import { referenceData } from '../../src/reference/reference-data';
import { client } from '../setup/http';
import { ADMIN_DATABASE_URL } from '../setup/test-env';
import { TEST_PASSWORD } from './users.factory';

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

/**
 * Gives a suite its own database and Redis prefix (call before startApp/startWorker). Suites that read emails from
 * their own SMTP server need this: with one shared outbox, another suite's worker could claim and send our mail.
 * Returns the clean-up (drop the database) for afterAll.
 */
export async function isolateSuite(name: string): Promise<() => Promise<void>> {
  const url = new URL(process.env.DATABASE_URL!);
  const dbName = `${url.pathname.slice(1)}_${name}_${randomBytes(2).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  url.pathname = `/${dbName}`;
  process.env.DATABASE_URL = url.toString();
  process.env.REDIS_PREFIX = `${process.env.REDIS_PREFIX}:${name}`;
  const ds = new DataSource({ ...dataSourceOptions(loadConfig()), logging: false });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await new ReferenceService(ds).seedReference();
  await ds.destroy();
  return async () => {
    const drop = new Client({ connectionString: ADMIN_DATABASE_URL });
    await drop.connect();
    await drop.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await drop.end();
  };
}
