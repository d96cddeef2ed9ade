import { Role } from '../../src/accounts/entities/user.entity';
import { CAMPAIGN_MACHINE, CAMPAIGN_STATUS_LABELS, CampaignStatus } from '../../src/campaigns/campaign-status';
import { createUser, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';
import { assignExpert, auditRows, createCampaignApi, outboxRows, pdfBytes, uploadDocument, uploadForm } from './campaigns.helpers';

const ALL = Object.values(CampaignStatus);

describe('campaign lifecycle (API, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer, 'Организатор Этапов');
  });
  afterAll(() => t.close());

  const move = (id: string, to: string) => api.post(`/api/v1/campaigns/${id}/transitions`, { to }, { token: organizer.token });

  /** A campaign that meets every precondition: a document with a file, questions, criteria, an assigned expert. */
  async function readyCampaign(status: CampaignStatus) {
    const c = await createCampaignApi(api, organizer.token, `Готовая ${status}`);
    const doc = await uploadDocument(api, organizer.token, c.id, 'Документ');
    await assignExpert(t.app, t.url, t.dataSource, c.id, doc.id);
    await t.dataSource.query(`UPDATE campaigns SET status = $2 WHERE id = $1`, [c.id, status]);
    return { ...c, documentId: doc.id };
  }

  it('goes draft → discussion → revision → expertise → completed → archived with its effects', async () => {
    const c = await createCampaignApi(api, organizer.token, 'Полный цикл');
    const doc = await uploadDocument(api, organizer.token, c.id, 'Альбом');

    const d = await move(c.id, 'discussion');
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ id: c.id, status: 'discussion', frozenAt: null });

    // revise during discussion: a version 2, so the freeze picks the latest
    const v2 = await api.request('POST', `/api/v1/campaigns/${c.id}/documents/${doc.id}/versions`, {
      token: organizer.token,
      multipart: uploadForm({ notes: 'после обсуждения' }, { name: 'Альбом-2.pdf', bytes: pdfBytes('2') }),
    });
    expect(v2.status).toBe(201);

    expect((await move(c.id, 'revision')).body.status).toBe('revision');
    expect(await outboxRows(t.dataSource, c.id, 'stage-closed')).toEqual([
      { job_name: 'stage-closed', payload: { campaignId: c.id, stage: 'discussion' } },
    ]);

    const refused = await move(c.id, 'expertise');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toEqual(['документ «Альбом» не имеет назначенного эксперта']);

    await assignExpert(t.app, t.url, t.dataSource, c.id, doc.id);
    const e = await move(c.id, 'expertise');
    expect(e.status).toBe(200);
    expect(e.body.status).toBe('expertise');
    expect(e.body.frozenAt).toEqual(expect.any(String));
    const [frozen] = await t.dataSource.query(`SELECT current_version_number, frozen_version_number FROM documents WHERE id = $1`, [
      doc.id,
    ]);
    expect(frozen).toEqual({ current_version_number: 2, frozen_version_number: 2 });
    expect(await outboxRows(t.dataSource, c.id, 'invite-experts')).toEqual([{ job_name: 'invite-experts', payload: { campaignId: c.id } }]);

    // frozen: no new versions, no criteria changes
    const v3 = await api.request('POST', `/api/v1/campaigns/${c.id}/documents/${doc.id}/versions`, {
      token: organizer.token,
      multipart: uploadForm({}, { name: 'Альбом-3.pdf', bytes: pdfBytes('3') }),
    });
    expect([v3.status, v3.body.message]).toEqual([409, 'Новую версию можно загрузить только до начала экспертизы']);
    expect((await api.put(`/api/v1/campaigns/${c.id}/criteria`, [{ text: 'x' }], { token: organizer.token })).status).toBe(409);

    expect((await move(c.id, 'completed')).body.status).toBe('completed');
    expect((await outboxRows(t.dataSource, c.id, 'stage-closed')).map((r) => r.payload)).toEqual([
      { campaignId: c.id, stage: 'discussion' },
      { campaignId: c.id, stage: 'expertise' },
    ]);
    expect((await move(c.id, 'archived')).body.status).toBe('archived');

    const audit = await auditRows(t.dataSource, c.id, 'campaign.transition');
    expect(audit.map((a) => [a.actor_id, a.before.status, a.after.status])).toEqual([
      [organizer.id, 'draft', 'discussion'],
      [organizer.id, 'discussion', 'revision'],
      [organizer.id, 'revision', 'expertise'],
      [organizer.id, 'expertise', 'completed'],
      [organizer.id, 'completed', 'archived'],
    ]);
    // nothing after archived
    for (const to of ALL) expect((await move(c.id, to)).status).toBe(409);
  });

  describe('every rule of the transition table', () => {
    for (const from of ALL) {
      for (const to of ALL) {
        const allowed = CAMPAIGN_MACHINE.toward(from, to) !== null;
        it(`${from} → ${to}: ${allowed ? 'allowed' : 'refused with 409'}`, async () => {
          const c = await readyCampaign(from);
          const res = await move(c.id, to);
          if (allowed) {
            expect(res.status).toBe(200);
            expect(res.body.status).toBe(to);
          } else {
            expect(res.status).toBe(409);
            expect(res.body).toEqual({
              statusCode: 409,
              error: 'Conflict',
              message: `Переход из этапа «${CAMPAIGN_STATUS_LABELS[from]}» в этап «${CAMPAIGN_STATUS_LABELS[to]}» невозможен`,
              code: 'TRANSITION_REFUSED',
            });
            const [row] = await t.dataSource.query(`SELECT status FROM campaigns WHERE id = $1`, [c.id]);
            expect(row.status).toBe(from);
          }
        });
      }
    }
  });

  describe('preconditions, each reported exactly', () => {
    it('opening discussion needs a document with a file and a question', async () => {
      const c = await createCampaignApi(api, organizer.token, 'Пустая');
      const res = await move(c.id, 'discussion');
      expect(res.status).toBe(409);
      expect(res.body.message).toEqual(['в кампании нет ни одного документа с файлом', 'в анкете нет ни одного вопроса']);
      const audit = await auditRows(t.dataSource, c.id, 'campaign.transition');
      expect(audit).toEqual([]);
    });

    it('names a document without a file and a choice question with fewer than two options', async () => {
      const c = await createCampaignApi(api, organizer.token, 'Неполная');
      await uploadDocument(api, organizer.token, c.id, 'С файлом', { withDefaultQuestions: false });
      await t.dataSource.query(`INSERT INTO documents (campaign_id, title, sort_order) VALUES ($1, 'Без файла', 5)`, [c.id]);
      const [{ id: qid }] = await t.dataSource.query(
        `INSERT INTO questions (campaign_id, kind, text, sort_order) VALUES ($1, 'single', 'Один вариант?', 0) RETURNING id`,
        [c.id],
      );
      await t.dataSource.query(`INSERT INTO question_options (question_id, text) VALUES ($1, 'Да')`, [qid]);
      await t.dataSource.query(`INSERT INTO questions (campaign_id, kind, text, sort_order) VALUES ($1, 'multi', 'Пустой выбор?', 1)`, [
        c.id,
      ]);
      const res = await move(c.id, 'discussion');
      expect(res.status).toBe(409);
      expect(res.body.message).toEqual([
        'документ «Без файла» не имеет файла',
        'вопрос «Один вариант?» должен иметь не менее двух вариантов ответа',
        'вопрос «Пустой выбор?» должен иметь не менее двух вариантов ответа',
      ]);
    });

    it('opening expertise needs criteria and an assigned expert for every document', async () => {
      const empty = await createCampaignApi(api, organizer.token, 'Экспертиза пустая');
      await api.put(`/api/v1/campaigns/${empty.id}/criteria`, [], { token: organizer.token });
      const r1 = await move(empty.id, 'expertise');
      expect(r1.status).toBe(409);
      expect(r1.body.message).toEqual(['в кампании нет ни одного документа с файлом', 'список критериев пуст']);

      const c = await createCampaignApi(api, organizer.token, 'Экспертиза без экспертов');
      const a = await uploadDocument(api, organizer.token, c.id, 'Первый', { withDefaultQuestions: false });
      await uploadDocument(api, organizer.token, c.id, 'Второй', { withDefaultQuestions: false });
      await uploadDocument(api, organizer.token, c.id, 'Третий', { withDefaultQuestions: false });
      await assignExpert(t.app, t.url, t.dataSource, c.id, a.id);
      const r2 = await move(c.id, 'expertise');
      expect(r2.status).toBe(409);
      expect(r2.body.message).toEqual([
        'документ «Второй» не имеет назначенного эксперта',
        'документ «Третий» не имеет назначенного эксперта',
      ]);
    });

    it('draft → expertise directly (no discussion) freezes version 1', async () => {
      const c = await readyCampaign(CampaignStatus.Draft);
      const res = await move(c.id, 'expertise');
      expect(res.status).toBe(200);
      const [doc] = await t.dataSource.query(`SELECT frozen_version_number FROM documents WHERE id = $1`, [c.documentId]);
      expect(doc.frozen_version_number).toBe(1);
    });

    it('revision → completed (discussion only) closes without another stage-closed job', async () => {
      const c = await readyCampaign(CampaignStatus.Revision);
      expect((await move(c.id, 'completed')).status).toBe(200);
      expect(await outboxRows(t.dataSource, c.id, 'stage-closed')).toEqual([]);
    });

    it('two concurrent moves: one succeeds, the other is refused; one audit row, one job', async () => {
      const c = await readyCampaign(CampaignStatus.Discussion);
      const results = await Promise.all([move(c.id, 'revision'), move(c.id, 'revision')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(await auditRows(t.dataSource, c.id, 'campaign.transition')).toHaveLength(1);
      expect(await outboxRows(t.dataSource, c.id, 'stage-closed')).toHaveLength(1);
    });

    it('rejects an unknown target with 400 and an unknown campaign with 404', async () => {
      const c = await createCampaignApi(api, organizer.token, 'Неизвестный этап');
      const res = await move(c.id, 'published');
      expect(res.status).toBe(400);
      expect(res.body.message[0]).toMatch(/^to: /);
      expect((await move('00000000-0000-0000-0000-000000000000', 'discussion')).status).toBe(404);
    });
  });
});
