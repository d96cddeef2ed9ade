import { randomUUID } from 'node:crypto';
import { Role } from '../../src/accounts/entities/user.entity';
import { createCampaign, FactoryCampaign, referenceIds, ReferenceIds, validSubmission } from '../factories/campaign.factory';
import { createUser, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

describe('organizer: suspected duplicates are flagged, excluded with a reason, included back (audit-logged)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let c: FactoryCampaign;
  let ref: ReferenceIds;
  const receipts: string[] = [];

  const submit = (body: unknown, ua: string) =>
    api.post(`/api/v1/public/campaigns/${c.slug}/responses`, body, { headers: { 'idempotency-key': randomUUID(), 'user-agent': ua } });

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    ref = await referenceIds(t.dataSource);
    organizer = await createUser(t.app, t.url, Role.Organizer);
    c = await createCampaign(t.dataSource);
    const body = validSubmission(c, ref, 'Повтор');
    for (const ua of ['school-pc', 'school-pc', 'teacher-phone']) receipts.push((await submit(body, ua)).body.receipt);
    receipts.push((await submit({ ...body, profile: { ...body.profile, organizationName: 'МОУ СОШ № 7' } }, 'school-pc')).body.receipt);
  });
  afterAll(() => t.close());

  it('lists responses without personal data; flagged=true gives the suspected duplicates only', async () => {
    const all = await api.get(`/api/v1/campaigns/${c.id}/responses`, { token: organizer.token });
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(4);
    expect(JSON.stringify(all.body)).not.toContain('МОУ СОШ № 7');
    const flagged = await api.get(`/api/v1/campaigns/${c.id}/responses?flagged=true`, { token: organizer.token });
    expect(flagged.body.total).toBe(1);
    expect(flagged.body.items).toEqual([
      {
        id: expect.any(String),
        receipt: receipts[1],
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        territory: { id: ref.territoryId, name: expect.any(String) },
        organizationType: 'school',
        position: 'teacher',
        clientGroup: expect.stringMatching(/^[0-9a-f]{8}$/),
        suspectedDuplicate: true,
        excluded: false,
        excludedReason: null,
        excludedAt: null,
      },
    ]);
    const original = all.body.items.find((i: { receipt: string }) => i.receipt === receipts[0]);
    expect(original.clientGroup).toBe(flagged.body.items[0].clientGroup);
  });

  it('excludes a flagged response with a reason, logs it, refuses a second exclusion, includes it back', async () => {
    const [item] = (await api.get(`/api/v1/campaigns/${c.id}/responses?flagged=true`, { token: organizer.token })).body.items;
    const url = `/api/v1/campaigns/${c.id}/responses/${item.id}`;
    const noReason = await api.post(`${url}/exclude`, { reason: '   ' }, { token: organizer.token });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toBe('reason: укажите причину (до 500 символов)');
    const extra = await api.post(`${url}/exclude`, { reason: 'x', other: 1 }, { token: organizer.token });
    expect(extra.status).toBe(400);

    const res = await api.post(`${url}/exclude`, { reason: 'Повтор с того же компьютера' }, { token: organizer.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: item.id,
      excluded: true,
      excludedReason: 'Повтор с того же компьютера',
      suspectedDuplicate: true,
    });
    expect(res.body.excludedAt).toEqual(expect.any(String));
    const [row] = await t.dataSource.query(`SELECT excluded, excluded_reason, excluded_by FROM responses WHERE id = $1`, [item.id]);
    expect(row).toEqual({ excluded: true, excluded_reason: 'Повтор с того же компьютера', excluded_by: organizer.id });
    const again = await api.post(`${url}/exclude`, { reason: 'ещё раз' }, { token: organizer.token });
    expect(again.status).toBe(409);
    expect(again.body.message).toBe('Ответ уже исключён из результатов');
    expect((await api.get(`/api/v1/campaigns/${c.id}/responses?excluded=true`, { token: organizer.token })).body.total).toBe(1);

    const back = await api.post(`${url}/include`, { reason: 'Проверили: разные учителя' }, { token: organizer.token });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ excluded: false, excludedReason: null, excludedAt: null });
    const log = await t.dataSource.query(
      `SELECT actor_id, action, entity_type, entity_id, campaign_id, before, after FROM audit_log WHERE entity_id = $1 ORDER BY id`,
      [item.id],
    );
    expect(log).toEqual([
      {
        actor_id: organizer.id,
        action: 'response.exclude',
        entity_type: 'response',
        entity_id: item.id,
        campaign_id: c.id,
        before: { excluded: false, reason: null },
        after: { excluded: true, reason: 'Повтор с того же компьютера' },
      },
      {
        actor_id: organizer.id,
        action: 'response.include',
        entity_type: 'response',
        entity_id: item.id,
        campaign_id: c.id,
        before: { excluded: true, reason: 'Повтор с того же компьютера' },
        after: { excluded: false, reason: 'Проверили: разные учителя' },
      },
    ]);
  });

  it('is for organizers only, and 404 for unknown campaigns or responses of another campaign', async () => {
    const expert = await createUser(t.app, t.url, Role.Expert);
    expect((await api.get(`/api/v1/campaigns/${c.id}/responses`, { token: expert.token })).status).toBe(403);
    expect((await api.get(`/api/v1/campaigns/${c.id}/responses`)).status).toBe(401);
    expect((await api.get(`/api/v1/campaigns/${randomUUID()}/responses`, { token: organizer.token })).status).toBe(404);
    const other = await createCampaign(t.dataSource);
    const [item] = (await api.get(`/api/v1/campaigns/${c.id}/responses`, { token: organizer.token })).body.items;
    const res = await api.post(`/api/v1/campaigns/${other.id}/responses/${item.id}/exclude`, { reason: 'x' }, { token: organizer.token });
    expect(res.status).toBe(404);
  });

  it('the organizer page lists flagged responses and excludes one through a form (CSRF, post/redirect/get)', async () => {
    const cookie = `sid=${organizer.token}`;
    const page = await api.get(`/organizer/campaigns/${c.id}/responses?flagged=1`, { cookie, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain(receipts[1]);
    expect(page.text).not.toContain(receipts[2]);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const [item] = (await api.get(`/api/v1/campaigns/${c.id}/responses?flagged=true`, { token: organizer.token })).body.items;
    const posted = await api.post(`/organizer/campaigns/${c.id}/responses/${item.id}/exclude`, undefined, {
      cookie,
      form: { _csrf: csrf, reason: 'Дубликат' },
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`/organizer/campaigns/${c.id}/responses/${item.id}?done=excluded`);
    const after = await api.get(posted.headers.get('location')!, { cookie, headers: { accept: 'text/html' } });
    expect(after.text).toContain('Ответ исключён из результатов. Причина записана в журнал.');
    expect(after.text).toContain('Причина: Дубликат');
    const list = await api.get(`/organizer/campaigns/${c.id}/responses?excluded=1`, { cookie, headers: { accept: 'text/html' } });
    expect(list.text).toContain('Исключён: Дубликат');
    const noCsrf = await api.post(`/organizer/campaigns/${c.id}/responses/${item.id}/include`, undefined, { cookie, form: { reason: '' } });
    expect(noCsrf.status).toBe(403);
  });
});
