import type { INestApplicationContext } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { Role } from '../../src/accounts/entities/user.entity';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';
import { createUser, TestUser } from '../factories/users.factory';
import { startApp, startWorker, TestApp, waitFor } from '../setup/app';
import { client } from '../setup/http';

describe('results and reports API (real app, worker, PostgreSQL, Redis)', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let expert: TestUser;
  let fx: ResultsFixture;

  beforeAll(async () => {
    t = await startApp();
    worker = await startWorker();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer);
    expert = await createUser(t.app, t.url, Role.Expert);
    fx = await buildResultsCampaign(t.dataSource, { responses: 40, seed: 21 });
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  it('GET results: 404 before the first snapshot; refresh → 202, then the snapshot in docs/api.md shape', async () => {
    const path = `/api/v1/campaigns/${fx.campaignId}/results`;
    const before = await api.get(path, { token: organizer.token });
    expect(before.status).toBe(404);
    expect(before.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Результаты ещё не подсчитаны', code: 'NOT_FOUND' });
    const refresh = await api.post(`${path}/refresh`, undefined, { token: organizer.token });
    expect(refresh.status).toBe(202);
    const res = await waitFor(
      async () => {
        const r = await api.get(path, { token: organizer.token });
        return r.status === 200 ? r : null;
      },
      30_000,
      'snapshot',
    );
    const counted = fx.responses.filter((r) => !r.excluded);
    expect(res.body).toMatchObject({ stage: 'discussion', discussion: { respondents: counted.length }, expertise: { experts: 5 } });
    expect(Object.keys(res.body)).toEqual(expect.arrayContaining(['computedAt', 'stage', 'discussion', 'expertise']));
    expect(res.body.discussion.territories.total).toBe(fx.territories.filter((x) => x.active).length);
    const multi = res.body.discussion.questions.find((q: { kind: string }) => q.kind === 'multi');
    expect(Object.keys(multi.options[0]).sort()).toEqual(['count', 'optionId', 'percent', 'text']);
    expect(res.body.expertise.documents[0]).toEqual(
      expect.objectContaining({ documentId: fx.documents[0].id, reviews: 5, alpha: expect.any(Number), criteria: expect.any(Array) }),
    );
  });

  it('results are for organizers only, and an unknown campaign is 404', async () => {
    expect((await api.get(`/api/v1/campaigns/${fx.campaignId}/results`, { token: expert.token })).status).toBe(403);
    expect((await api.get(`/api/v1/campaigns/${fx.campaignId}/results`)).status).toBe(401);
    const unknown = await api.post(`/api/v1/campaigns/00000000-0000-4000-8000-000000000000/results/refresh`, undefined, {
      token: organizer.token,
    });
    expect(unknown.status).toBe(404);
  });

  it('POST reports validates kind and format, naming each field', async () => {
    const res = await api.post(
      `/api/v1/campaigns/${fx.campaignId}/reports`,
      { kind: 'all', format: 'docx', csvDialect: 'excel' },
      { token: organizer.token },
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining([
        'kind: ожидается discussion, expertise или full',
        'format: ожидается xlsx, pdf или csv',
        'csvDialect: ожидается excel-ru или rfc4180',
      ]),
    );
    const none = await api.post(
      `/api/v1/campaigns/00000000-0000-4000-8000-000000000000/reports`,
      { kind: 'full', format: 'csv' },
      { token: organizer.token },
    );
    expect(none.status).toBe(404);
  });

  it('a CSV report: 202 queued → ready with progress 100 → the file with content type and name; organizers only', async () => {
    const created = await api.post(
      `/api/v1/campaigns/${fx.campaignId}/reports`,
      { kind: 'discussion', format: 'csv' },
      { token: organizer.token },
    );
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ id: expect.any(String), status: 'queued' });
    const id = created.body.id;
    const ready = await waitFor(
      async () => {
        const r = await api.get(`/api/v1/reports/${id}`, { token: organizer.token });
        return r.body.status === 'ready' ? r.body : null;
      },
      30_000,
      'report ready',
    );
    expect(ready).toMatchObject({ id, status: 'ready', progress: 100 });
    const file = await fetch(`${t.url}/api/v1/reports/${id}/file`, { headers: { authorization: `Bearer ${organizer.token}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const name = `obsuzhdenie-${fx.slug}-${ready.fileName.slice(-14, -4)}.csv`;
    expect(ready.fileName).toMatch(/-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(ready).toMatchObject({ fileName: name, csvDialect: 'excel-ru' });
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`);
    const buf = Buffer.from(await file.arrayBuffer());
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(buf.subarray(3).toString('utf8'), { delimiter: ';' });
    expect(rows.length - 1).toBe(fx.responses.filter((r) => !r.excluded).length);
    expect((await api.get(`/api/v1/reports/${id}/file`, { token: expert.token })).status).toBe(403);
    expect((await api.get(`/api/v1/reports/${id}`, { token: expert.token })).status).toBe(403);
    expect((await api.get(`/api/v1/reports/00000000-0000-4000-8000-000000000000`, { token: organizer.token })).status).toBe(404);
  });

  it('csvDialect "rfc4180": a CSV for tools — no BOM, commas, ISO times; the dialect shows in the report list', async () => {
    const created = await api.post(
      `/api/v1/campaigns/${fx.campaignId}/reports`,
      { kind: 'discussion', format: 'csv', csvDialect: 'rfc4180' },
      { token: organizer.token },
    );
    expect(created.status).toBe(202);
    const id = created.body.id;
    await waitFor(
      async () => (await api.get(`/api/v1/reports/${id}`, { token: organizer.token })).body.status === 'ready',
      30_000,
      'report ready',
    );
    const file = await fetch(`${t.url}/api/v1/reports/${id}/file`, { headers: { authorization: `Bearer ${organizer.token}` } });
    const text = Buffer.from(await file.arrayBuffer()).toString('utf8');
    expect(text.startsWith('Квитанция,Дата и время,')).toBe(true);
    const rows: string[][] = parse(text);
    expect(rows[1][1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const list = await api.get(`/api/v1/campaigns/${fx.campaignId}/reports`, { token: organizer.token });
    expect(list.body.items.find((r: { id: string }) => r.id === id)).toMatchObject({ format: 'csv', csvDialect: 'rfc4180' });
    // a dialect given with another format is not kept
    const pdf = await api.post(
      `/api/v1/campaigns/${fx.campaignId}/reports`,
      { kind: 'full', format: 'pdf', csvDialect: 'rfc4180' },
      { token: organizer.token },
    );
    expect((await api.get(`/api/v1/reports/${pdf.body.id}`, { token: organizer.token })).body.csvDialect).toBeUndefined();
  });

  it('a report not ready yet cannot be downloaded (409)', async () => {
    const [{ id }] = await t.dataSource.query(`INSERT INTO reports (campaign_id, kind, format) VALUES ($1, 'full', 'pdf') RETURNING id`, [
      fx.campaignId,
    ]);
    const res = await api.get(`/api/v1/reports/${id}/file`, { token: organizer.token });
    expect(res.status).toBe(409);
    expect((await api.get(`/api/v1/reports/${id}`, { token: organizer.token })).body).toEqual({
      id,
      campaignId: fx.campaignId,
      kind: 'full',
      format: 'pdf',
      status: 'queued',
      createdAt: expect.any(String),
    });
  });
});
