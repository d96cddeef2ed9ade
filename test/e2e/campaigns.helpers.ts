import type { INestApplicationContext } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { Role } from '../../src/accounts/entities/user.entity';
import { createUser } from '../factories/users.factory';
import { client } from '../setup/http';

/** Test files of the accepted kinds: real magic bytes, arbitrary content after. */
export function pdfBytes(text = 'model document'): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`);
}
export function zipBytes(text = 'zip'): Buffer {
  return Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(text)]);
}
export function rtfBytes(text = 'rtf'): Buffer {
  return Buffer.from(`{\\rtf1\\ansi ${text}}`);
}

export function uploadForm(fields: Record<string, string>, file?: { name: string; bytes: Buffer; type?: string }): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
  return form;
}

type Api = ReturnType<typeof client>;

export async function createCampaignApi(api: Api, token: string, title = 'Кампания для проверки', extra: Record<string, unknown> = {}) {
  const res = await api.post('/api/v1/campaigns', { title, ...extra }, { token });
  if (res.status !== 201) throw new Error(`create campaign: ${res.status} ${res.text}`);
  return res.body as { id: string; slug: string; title: string; status: string };
}

export async function uploadDocument(
  api: Api,
  token: string,
  campaignId: string,
  title: string,
  options: { withDefaultQuestions?: boolean } = {},
) {
  const fields: Record<string, string> = { title };
  if (options.withDefaultQuestions === false) fields.withDefaultQuestions = 'false';
  const res = await api.request('POST', `/api/v1/campaigns/${campaignId}/documents`, {
    token,
    multipart: uploadForm(fields, { name: `${title}.pdf`, bytes: pdfBytes(title) }),
  });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.text}`);
  return res.body as { id: string; title: string; currentVersion: { number: number; fileName: string; size: number; sha256: string } };
}

/** An approved expert assigned to the document, inserted directly (the assignment API belongs to the expertise module). */
export async function assignExpert(app: INestApplicationContext, url: string, ds: DataSource, campaignId: string, documentId: string) {
  const expert = await createUser(app, url, Role.Expert, 'Эксперт Тестовый');
  const [{ id: territoryId }] = await ds.query(`SELECT id FROM territories ORDER BY name LIMIT 1`);
  await ds.query(
    `INSERT INTO expert_profiles (user_id, status, territory_id, organization_name, position, competences)
     VALUES ($1, 'approved', $2, 'Школа № 1', 'Учитель', '{}') ON CONFLICT DO NOTHING`,
    [expert.id, territoryId],
  );
  await ds.query(`INSERT INTO assignments (campaign_id, document_id, expert_id, row_version) VALUES ($1, $2, $3, 1)`, [
    campaignId,
    documentId,
    expert.id,
  ]);
  return expert;
}

export async function auditRows(ds: DataSource, campaignId: string, action: string) {
  return ds.query(`SELECT actor_id, action, before, after FROM audit_log WHERE campaign_id = $1 AND action = $2 ORDER BY id`, [
    campaignId,
    action,
  ]) as Promise<{ actor_id: string | null; action: string; before: Record<string, unknown>; after: Record<string, unknown> }[]>;
}

export async function outboxRows(ds: DataSource, campaignId: string, jobName: string) {
  return ds.query(`SELECT job_name, payload FROM outbox WHERE job_name = $1 AND payload->>'campaignId' = $2 ORDER BY created_at`, [
    jobName,
    campaignId,
  ]) as Promise<{ job_name: string; payload: Record<string, unknown> }[]>;
}
