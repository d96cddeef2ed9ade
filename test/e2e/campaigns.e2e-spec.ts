import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/accounts/entities/user.entity';
import { referenceData } from '../../src/reference/reference-data';
import { createUser, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';
import { createCampaignApi, pdfBytes, rtfBytes, uploadDocument, uploadForm, zipBytes } from './campaigns.helpers';

const UPLOAD_LIMIT = 64 * 1024;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory()) out.push(...(await filesUnder(join(dir, e.name))));
    else out.push(join(dir, e.name));
  }
  return out;
}

describe('campaigns API (organizer)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let admin: TestUser;
  const previousLimit = process.env.UPLOAD_MAX_BYTES;
  // a storage directory of its own: other suites of the run store files at the same time
  const previousStorage = process.env.STORAGE_DIR;
  const storageDir = join(tmpdir(), `dp-campaigns-${process.pid}-${Date.now()}`);

  beforeAll(async () => {
    process.env.STORAGE_DIR = storageDir;
    process.env.UPLOAD_MAX_BYTES = String(UPLOAD_LIMIT);
    t = await startApp();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer, 'Организатор Кампаний');
    admin = await createUser(t.app, t.url, Role.Admin, 'Администратор');
  });
  afterAll(async () => {
    await t.close();
    process.env.STORAGE_DIR = previousStorage;
    if (previousLimit === undefined) delete process.env.UPLOAD_MAX_BYTES;
    else process.env.UPLOAD_MAX_BYTES = previousLimit;
  });

  it('creates a draft with a transliterated unique slug, the default criteria and scale', async () => {
    const title = `Модельные документы ${Date.now()}`;
    const a = await api.post(
      '/api/v1/campaigns',
      { title, description: 'Описание', discussion: { opensAt: '2030-03-01T06:00:00Z', closesAt: '2030-03-15T18:00:00Z' } },
      { token: organizer.token },
    );
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({
      title,
      description: 'Описание',
      status: 'draft',
      discussion: { opensAt: '2030-03-01T06:00:00.000Z', closesAt: '2030-03-15T18:00:00.000Z' },
      expertise: { opensAt: null, closesAt: null },
      criterionScale: referenceData().defaultCriterionScale,
    });
    expect(a.body.slug).toBe(`modelnye-dokumenty-${title.split(' ')[2]}`);
    const b = await api.post('/api/v1/campaigns', { title }, { token: organizer.token });
    const c = await api.post('/api/v1/campaigns', { title }, { token: organizer.token });
    expect(b.body.slug).toBe(`${a.body.slug}-2`);
    expect(c.body.slug).toBe(`${a.body.slug}-3`);

    const criteria = await api.get(`/api/v1/campaigns/${a.body.id}/criteria`, { token: organizer.token });
    expect(criteria.status).toBe(200);
    expect(criteria.body.map((x: { text: string }) => x.text)).toEqual(referenceData().defaultExpertCriteria);

    const list = await api.get('/api/v1/campaigns', { token: organizer.token });
    expect(list.body.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining([a.body.id, b.body.id, c.body.id]));
    const one = await api.get(`/api/v1/campaigns/${a.body.id}`, { token: organizer.token });
    expect(one.body).toEqual(a.body);
  });

  it('validates the create body and names each bad field', async () => {
    const res = await api.post('/api/v1/campaigns', { title: '', discussion: { opensAt: 'вчера' }, extra: 1 }, { token: organizer.token });
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining(['title: title must be longer than or equal to 1 characters', 'extra: property extra should not exist']),
    );
    const order = await api.post(
      '/api/v1/campaigns',
      { title: 'x', expertise: { opensAt: '2030-03-15T00:00:00Z', closesAt: '2030-03-01T00:00:00Z' } },
      { token: organizer.token },
    );
    expect(order.status).toBe(400);
    expect(order.body.message).toBe('expertise.closesAt: окончание этапа должно быть позже его начала');
    expect((await api.get('/api/v1/campaigns/00000000-0000-0000-0000-000000000000', { token: organizer.token })).status).toBe(404);
    expect((await api.get('/api/v1/campaigns/not-a-uuid', { token: organizer.token })).status).toBe(404);
  });

  it('edits title, schedule, recipients, publication and (in draft) the slug; audits before/after', async () => {
    const c = await createCampaignApi(api, organizer.token, 'Правка кампании');
    const res = await api.patch(
      `/api/v1/campaigns/${c.id}`,
      {
        title: 'Правка кампании 2',
        slug: `pravka-${Date.now()}`,
        expertise: { opensAt: '2030-04-01T00:00:00Z', closesAt: '2030-04-20T00:00:00Z' },
        reportRecipients: ['Boss@Example.org', 'boss@example.org'],
        resultsPublished: true,
      },
      { token: organizer.token },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      title: 'Правка кампании 2',
      expertise: { opensAt: '2030-04-01T00:00:00.000Z', closesAt: '2030-04-20T00:00:00.000Z' },
      reportRecipients: ['boss@example.org'],
      resultsPublished: true,
    });
    const bad = await api.patch(`/api/v1/campaigns/${c.id}`, { slug: 'Плохой адрес' }, { token: organizer.token });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('slug: только латинские буквы, цифры и дефисы (до 60 символов)');
    const [row] = await t.dataSource.query(
      `SELECT actor_id, before->>'title' AS before, after->>'title' AS after FROM audit_log WHERE entity_id = $1 AND action = 'campaign.update'`,
      [c.id],
    );
    expect(row).toEqual({ actor_id: organizer.id, before: 'Правка кампании', after: 'Правка кампании 2' });
  });

  it('uploads a document with sha256, size and file name; default questions unless asked not to', async () => {
    const c = await createCampaignApi(api, organizer.token, 'Документы');
    const bytes = pdfBytes('первый');
    const res = await api.request('POST', `/api/v1/campaigns/${c.id}/documents`, {
      token: organizer.token,
      multipart: uploadForm(
        { title: 'Дорожная карта', description: 'Черновик', direction: 'quality_assessment' },
        { name: 'Дорожная карта.pdf', bytes },
      ),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      title: 'Дорожная карта',
      currentVersion: {
        number: 1,
        fileName: 'Дорожная карта.pdf',
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
    });
    const questions = await api.get(`/api/v1/campaigns/${c.id}/questions`, { token: organizer.token });
    const defaults = referenceData().defaultDiscussionQuestions;
    expect(questions.body.map((q: { text: string; documentId: string }) => [q.text, q.documentId])).toEqual(
      defaults.map((d) => [d.text, res.body.id]),
    );
    expect(questions.body[0].options.find((o: { exclusive: boolean }) => o.exclusive).text).toBe(
      'Затрудняюсь оценить практическую значимость продукта',
    );
    expect(questions.body[1].scale).toEqual({ min: 1, max: 5, minLabel: 'совсем не поддерживаю', maxLabel: 'полностью поддерживаю' });

    const noDefaults = await uploadDocument(api, organizer.token, c.id, 'Без вопросов', { withDefaultQuestions: false });
    const after = await api.get(`/api/v1/campaigns/${c.id}/questions`, { token: organizer.token });
    expect(after.body).toHaveLength(defaults.length);
    expect(after.body.some((q: { documentId: string }) => q.documentId === noDefaults.id)).toBe(false);
    for (const [name, data] of [
      ['a.docx', zipBytes()],
      ['b.odt', zipBytes()],
      ['c.zip', zipBytes()],
      ['d.rtf', rtfBytes()],
    ] as const) {
      const ok = await api.request('POST', `/api/v1/campaigns/${c.id}/documents`, {
        token: organizer.token,
        multipart: uploadForm({ title: name, withDefaultQuestions: 'false' }, { name, bytes: data }),
      });
      expect([name, ok.status]).toEqual([name, 201]);
    }
  });

  it('adds versions with notes and downloads any version with the original (Cyrillic) file name', async () => {
    const c = await createCampaignApi(api, organizer.token, 'Версии');
    const doc = await uploadDocument(api, organizer.token, c.id, 'Положение', { withDefaultQuestions: false });
    const v2bytes = rtfBytes('вторая');
    const v2 = await api.request('POST', `/api/v1/campaigns/${c.id}/documents/${doc.id}/versions`, {
      token: organizer.token,
      multipart: uploadForm({ notes: 'Учтены замечания' }, { name: 'Положение, ред. 2.rtf', bytes: v2bytes }),
    });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ number: 2, fileName: 'Положение, ред. 2.rtf', notes: 'Учтены замечания', size: v2bytes.length });

    const file1 = await fetch(`${t.url}/api/v1/campaigns/${c.id}/documents/${doc.id}/versions/1/file`, {
      headers: { authorization: `Bearer ${organizer.token}` },
    });
    expect(file1.status).toBe(200);
    expect(Buffer.from(await file1.arrayBuffer())).toEqual(pdfBytes('Положение'));
    expect(file1.headers.get('content-type')).toBe('application/pdf');
    expect(file1.headers.get('content-disposition')).toBe(
      `attachment; filename="_________.pdf"; filename*=UTF-8''${encodeURIComponent('Положение.pdf')}`,
    );
    const file2 = await fetch(`${t.url}/api/v1/campaigns/${c.id}/documents/${doc.id}/versions/2/file`, {
      headers: { authorization: `Bearer ${organizer.token}` },
    });
    expect(Buffer.from(await file2.arrayBuffer())).toEqual(v2bytes);
    expect(file2.headers.get('content-type')).toBe('application/rtf');
    expect((await api.get(`/api/v1/campaigns/${c.id}/documents/${doc.id}/versions/3/file`, { token: organizer.token })).status).toBe(404);
    const detail = await api.get(`/api/v1/campaigns/${c.id}/documents/${doc.id}`, { token: organizer.token });
    expect(detail.body.currentVersion.number).toBe(2);
    expect(detail.body.versions.map((v: { number: number }) => v.number)).toEqual([1, 2]);

    // not public while the campaign is a draft
    expect((await api.get(`/files/documents/${doc.id}`)).status).toBe(404);
    await t.dataSource.query(`UPDATE campaigns SET status = 'discussion' WHERE id = $1`, [c.id]);
    const pub = await fetch(`${t.url}/files/documents/${doc.id}`);
    expect(pub.status).toBe(200);
    expect(Buffer.from(await pub.arrayBuffer())).toEqual(v2bytes);
  });

  it('records the authors (organization → its territory) and edits document details until expertise opens', async () => {
    const c = await createCampaignApi(api, organizer.token, 'Авторы');
    const [org] = await t.dataSource.query(`SELECT id, territory_id FROM organizations ORDER BY name LIMIT 1`);
    const [other] = await t.dataSource.query(`SELECT id FROM territories WHERE id <> $1 ORDER BY name LIMIT 1`, [org.territory_id]);
    const res = await api.request('POST', `/api/v1/campaigns/${c.id}/documents`, {
      token: organizer.token,
      multipart: uploadForm(
        { title: 'С авторами', authorOrganizationId: org.id, withDefaultQuestions: 'false' },
        { name: 'a.pdf', bytes: pdfBytes() },
      ),
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ authorOrganizationId: org.id, authorTerritoryId: org.territory_id, direction: null });
    const badRef = await api.request('POST', `/api/v1/campaigns/${c.id}/documents`, {
      token: organizer.token,
      multipart: uploadForm({ title: 'Плохие ссылки', authorTerritoryId: 'nope', direction: 'nope' }, { name: 'a.pdf', bytes: pdfBytes() }),
    });
    expect(badRef.status).toBe(400);
    expect(badRef.body.message).toEqual(['direction: неизвестное направление', 'authorTerritoryId: неизвестная территория']);

    const patched = await api.patch(
      `/api/v1/campaigns/${c.id}/documents/${res.body.id}`,
      { title: 'С авторами (ред.)', direction: 'health', authorOrganizationId: null, authorTerritoryId: other.id },
      { token: organizer.token },
    );
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      title: 'С авторами (ред.)',
      direction: 'health',
      authorOrganizationId: null,
      authorTerritoryId: other.id,
    });
    await t.dataSource.query(`UPDATE campaigns SET status = 'expertise', frozen_at = now() WHERE id = $1`, [c.id]);
    const locked = await api.patch(
      `/api/v1/campaigns/${c.id}/documents/${res.body.id}`,
      { authorTerritoryId: null },
      { token: organizer.token },
    );
    expect(locked.status).toBe(409);
    expect(locked.body.message).toBe('Направление и авторов документа нельзя изменить после начала экспертизы');
    const title = await api.patch(`/api/v1/campaigns/${c.id}/documents/${res.body.id}`, { title: 'Новое имя' }, { token: organizer.token });
    expect(title.status).toBe(200);
  });

  it('refuses a wrong type (by extension or by content) with 400 and stores nothing', async () => {
    const c = await createCampaignApi(api, organizer.token, 'Плохие файлы');
    const filesBefore = (await filesUnder(storageDir)).length;
    for (const file of [
      { name: 'script.exe', bytes: pdfBytes() },
      { name: 'fake.pdf', bytes: Buffer.from('MZ this is not a pdf') },
      { name: 'fake.docx', bytes: pdfBytes() },
      { name: 'tiny.pdf', bytes: Buffer.from('%P') },
    ]) {
      const res = await api.request('POST', `/api/v1/campaigns/${c.id}/documents`, {
        token: organizer.token,
        multipart: uploadForm({ title: 'Документ' }, file),
      });
      expect([file.name, res.status, res.body]).toEqual([
        file.name,
        400,
        {
          statusCode: 400,
          error: 'Bad Request',
          message: 'file: Недопустимый тип файла: разрешены PDF, DOCX, ODT, RTF и ZIP',
          code: 'UNSUPPORTED_FILE',
        },
      ]);
    }
    const missing = await api.request('POST', `/api/v1/campaigns/${c.id}/documents`, {
      token: organizer.token,
      multipart: uploadForm({ title: '' }, { name: 'ok.pdf', bytes: pdfBytes() }),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toEqual(['title: укажите название документа']);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM documents WHERE campaign_id = $1`, [c.id]);
    expect(n).toBe(0);
    expect((await filesUnder(storageDir)).length).toBe(filesBefore);
  });

  it('refuses an oversized file with 413 and stores nothing (document or version)', async () => {
    const c = await createCampaignApi(api, organizer.token, 'Большие файлы');
    const doc = await uploadDocument(api, organizer.token, c.id, 'Малый', { withDefaultQuestions: false });
    const filesBefore = (await filesUnder(storageDir)).length;
    const big = Buffer.concat([pdfBytes(), Buffer.alloc(UPLOAD_LIMIT + 10, 0x20)]);
    const res = await api.request('POST', `/api/v1/campaigns/${c.id}/documents`, {
      token: organizer.token,
      multipart: uploadForm({ title: 'Большой' }, { name: 'big.pdf', bytes: big }),
    });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: 'file: Файл слишком большой: допускается не более 0.1 МБ',
      code: 'PAYLOAD_TOO_LARGE',
    });
    const ver = await api.request('POST', `/api/v1/campaigns/${c.id}/documents/${doc.id}/versions`, {
      token: organizer.token,
      multipart: uploadForm({ notes: 'x' }, { name: 'big.pdf', bytes: big }),
    });
    expect(ver.status).toBe(413);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM document_versions v JOIN documents d ON d.id = v.document_id WHERE d.campaign_id = $1`,
      [c.id],
    );
    expect(n).toBe(1);
    expect((await filesUnder(storageDir)).length).toBe(filesBefore);
    // exactly at the limit is accepted
    const exact = Buffer.concat([pdfBytes(), Buffer.alloc(UPLOAD_LIMIT - pdfBytes().length, 0x20)]);
    const ok = await api.request('POST', `/api/v1/campaigns/${c.id}/documents/${doc.id}/versions`, {
      token: organizer.token,
      multipart: uploadForm({}, { name: 'exact.pdf', bytes: exact }),
    });
    expect(ok.status).toBe(201);
    expect(ok.body.size).toBe(UPLOAD_LIMIT);
  });

  it('manages the questionnaire: kinds, validation, order; only in draft', async () => {
    const c = await createCampaignApi(api, organizer.token, 'Анкета');
    const base = `/api/v1/campaigns/${c.id}/questions`;
    const single = await api.post(
      base,
      { kind: 'single', text: 'Ваш стаж?', options: [{ text: 'до 5 лет' }, { text: 'больше' }] },
      { token: organizer.token },
    );
    expect(single.status).toBe(201);
    expect(single.body).toMatchObject({
      kind: 'single',
      text: 'Ваш стаж?',
      required: true,
      documentId: null,
      scale: null,
      maxLength: null,
    });
    expect(single.body.options.map((o: { text: string; exclusive: boolean }) => [o.text, o.exclusive])).toEqual([
      ['до 5 лет', false],
      ['больше', false],
    ]);
    const multi = await api.post(
      base,
      { kind: 'multi', text: 'Что полезно?', options: [{ text: 'А' }, { text: 'Б' }, { text: 'Не знаю', exclusive: true }] },
      { token: organizer.token },
    );
    expect(multi.status).toBe(201);
    const scale = await api.post(
      base,
      { kind: 'scale', text: 'Оценка', scale: { min: 1, max: 10, minLabel: 'плохо', maxLabel: 'отлично' } },
      { token: organizer.token },
    );
    expect(scale.body.scale).toEqual({ min: 1, max: 10, minLabel: 'плохо', maxLabel: 'отлично' });
    const text = await api.post(base, { kind: 'text', text: 'Замечания', required: false, maxLength: 500 }, { token: organizer.token });
    expect(text.body).toMatchObject({ required: false, maxLength: 500 });

    const bad = await api.post(
      base,
      { kind: 'single', text: 'Один вариант', options: [{ text: 'А', exclusive: true }] },
      { token: organizer.token },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual([
      'options: нужно не менее двух вариантов ответа',
      'options: исключающий вариант возможен только в вопросе с несколькими ответами',
    ]);
    const badScale = await api.post(base, { kind: 'scale', text: 'Шкала', scale: { min: 5, max: 5 } }, { token: organizer.token });
    expect(badScale.body.message).toEqual(['scale: max должен быть больше min']);
    const badDoc = await api.post(
      base,
      { kind: 'text', text: 'x', documentId: '00000000-0000-0000-0000-000000000000' },
      { token: organizer.token },
    );
    expect(badDoc.body.message).toBe('documentId: документ не найден в этой кампании');

    const moved = await api.patch(`${base}/${text.body.id}`, { position: 0, text: 'Замечания и предложения' }, { token: organizer.token });
    expect(moved.status).toBe(200);
    const order = await api.get(base, { token: organizer.token });
    expect(order.body.map((q: { text: string }) => q.text)).toEqual(['Замечания и предложения', 'Ваш стаж?', 'Что полезно?', 'Оценка']);
    const newOptions = await api.patch(
      `${base}/${single.body.id}`,
      { options: [{ text: 'мало' }, { text: 'средне' }, { text: 'много' }] },
      { token: organizer.token },
    );
    expect(newOptions.body.options.map((o: { text: string }) => o.text)).toEqual(['мало', 'средне', 'много']);
    expect((await api.delete(`${base}/${scale.body.id}`, { token: organizer.token })).status).toBe(204);
    expect((await api.get(base, { token: organizer.token })).body.map((q: { sortOrder: number }) => q.sortOrder)).toEqual([0, 1, 2]);
    expect((await api.delete(`${base}/${scale.body.id}`, { token: organizer.token })).status).toBe(404);

    await t.dataSource.query(`UPDATE campaigns SET status = 'discussion' WHERE id = $1`, [c.id]);
    const locked = { statusCode: 409, error: 'Conflict', message: 'Анкету можно изменять только на этапе подготовки', code: 'STAGE_CLOSED' };
    expect((await api.post(base, { kind: 'text', text: 'Поздно' }, { token: organizer.token })).body).toEqual(locked);
    expect((await api.patch(`${base}/${single.body.id}`, { text: 'Поздно' }, { token: organizer.token })).body).toEqual(locked);
    const del = await api.delete(`${base}/${single.body.id}`, { token: organizer.token });
    expect([del.status, del.body]).toEqual([409, locked]);
  });

  it('replaces criteria until expertise opens, then refuses with 409', async () => {
    const c = await createCampaignApi(api, organizer.token, 'Критерии');
    const put = await api.put(`/api/v1/campaigns/${c.id}/criteria`, [{ text: 'Первый' }, { text: 'Второй', description: 'Пояснение' }], {
      token: organizer.token,
    });
    expect(put.status).toBe(200);
    expect(put.body.map((x: { text: string; description: string }) => [x.text, x.description])).toEqual([
      ['Первый', ''],
      ['Второй', 'Пояснение'],
    ]);
    const bad = await api.put(`/api/v1/campaigns/${c.id}/criteria`, [{ text: '' }], { token: organizer.token });
    expect(bad.status).toBe(400);
    await t.dataSource.query(`UPDATE campaigns SET status = 'revision' WHERE id = $1`, [c.id]);
    expect((await api.put(`/api/v1/campaigns/${c.id}/criteria`, [{ text: 'Третий' }], { token: organizer.token })).status).toBe(200);
    await t.dataSource.query(`UPDATE campaigns SET status = 'expertise', frozen_at = now() WHERE id = $1`, [c.id]);
    const refused = await api.put(`/api/v1/campaigns/${c.id}/criteria`, [{ text: 'Четвёртый' }], { token: organizer.token });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'Критерии нельзя изменять после начала экспертизы', code: 'STAGE_CLOSED' });
    expect(
      (await api.get(`/api/v1/campaigns/${c.id}/criteria`, { token: organizer.token })).body.map((x: { text: string }) => x.text),
    ).toEqual(['Третий']);
  });

  it('lets admins (only) read the audit log with filters', async () => {
    const c = await createCampaignApi(api, organizer.token, 'Журнал');
    const res = await api.get(`/api/v1/audit?campaignId=${c.id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({
      actorId: organizer.id,
      action: 'campaign.create',
      entityType: 'campaign',
      entityId: c.id,
      before: null,
    });
    expect(res.body[0].after.title).toBe('Журнал');
    expect((await api.get(`/api/v1/audit?campaignId=${c.id}&action=campaign.update`, { token: admin.token })).body).toEqual([]);
    expect((await api.get('/api/v1/audit?campaignId=zzz', { token: admin.token })).body.message).toEqual([
      'campaignId: неверный идентификатор',
    ]);
    expect((await api.get('/api/v1/audit', { token: organizer.token })).status).toBe(403);
  });
});
