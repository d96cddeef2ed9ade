import { hash } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../../src/config/app.config';
import { dataSourceOptions } from '../../../src/database/data-source-options';
import { createCampaign, FactoryCampaign } from '../../factories/campaign.factory';
import type { Question } from './load';

export const ORGANIZER_PASSWORD = 'correct-horse-battery';

/** The test's own connection to the database the processes under test use (read-only checks, setup rows). */
export async function connect(databaseUrl = process.env.DATABASE_URL!): Promise<DataSource> {
  const ds = new DataSource({ ...dataSourceOptions(loadConfig({ ...process.env, DATABASE_URL: databaseUrl })), logging: false });
  await ds.initialize();
  return ds;
}

export interface LoadCampaign extends FactoryCampaign {
  loadQuestions: Question[];
}

export async function loadCampaign(ds: DataSource, spec: Parameters<typeof createCampaign>[1] = {}): Promise<LoadCampaign> {
  const c = await createCampaign(ds, { documents: 2, generalQuestions: true, ...spec });
  return {
    ...c,
    loadQuestions: c.questions.map((q) => ({
      id: q.id,
      kind: q.kind,
      options: q.options,
      scaleMin: q.scaleMin,
      scaleMax: q.scaleMax,
      maxLength: q.maxLength,
    })),
  };
}

/** An organizer, inserted directly (the HTTP process only needs to log it in). */
export async function createOrganizer(ds: DataSource): Promise<{ id: string; email: string }> {
  const email = `organizer-${randomBytes(4).toString('hex')}@example.org`;
  const [row] = await ds.query(
    `INSERT INTO users (email, password_hash, role, full_name, active, email_confirmed_at)
     VALUES ($1, $2, 'organizer', 'Организатор Проверок', true, now()) RETURNING id`,
    [email, await hash(ORGANIZER_PASSWORD)],
  );
  return { id: row.id, email };
}

export async function login(baseUrl: string, email: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: ORGANIZER_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/**
 * Work committed by "another request" straight into PostgreSQL, with the same statements the services use
 * (MailService.queue, ReportsService.requestReport, the results refresh): the row and its outbox job in one transaction.
 */
export async function queueMail(ds: DataSource, to: string, campaignId: string | null = null): Promise<string> {
  return ds.transaction(async (m) => {
    const [row] = await m.query(
      `INSERT INTO mail_messages (to_address, template, context, attachments, campaign_id)
       VALUES ($1, 'test', $2::jsonb, '[]'::jsonb, $3) RETURNING id`,
      [to, JSON.stringify({ name: 'Проверка' }), campaignId],
    );
    await m.query(`INSERT INTO outbox (queue, job_name, payload) VALUES ('mail', 'send-mail', $1::jsonb)`, [
      JSON.stringify({ mailId: row.id }),
    ]);
    return row.id as string;
  });
}

export async function queueReport(
  ds: DataSource,
  campaignId: string,
  format: 'xlsx' | 'pdf' | 'csv',
  kind = 'discussion',
): Promise<string> {
  return ds.transaction(async (m) => {
    const [row] = await m.query(`INSERT INTO reports (campaign_id, kind, format) VALUES ($1, $2, $3) RETURNING id`, [
      campaignId,
      kind,
      format,
    ]);
    await m.query(`INSERT INTO outbox (queue, job_name, payload) VALUES ('reports', 'render-report', $1::jsonb)`, [
      JSON.stringify({ reportId: row.id }),
    ]);
    return row.id as string;
  });
}

export async function queueAggregation(ds: DataSource, campaignId: string): Promise<void> {
  await ds.query(`INSERT INTO outbox (queue, job_name, payload) VALUES ('aggregation', 'aggregate-results', $1::jsonb)`, [
    JSON.stringify({ campaignId }),
  ]);
}

export async function pendingOutbox(ds: DataSource): Promise<number> {
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE completed_at IS NULL`);
  return n;
}
