import { OutboxService } from '../../src/queue/outbox.service';
import { JobName } from '../../src/queue/queue-registry';
import {
  createCampaign,
  createDocument,
  createExpert,
  createOrganization,
  ExpertiseSuite,
  startExpertiseSuite,
  setCampaignStatus,
  TestCampaign,
  TestExpert,
} from '../factories/expertise.factory';
import { TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { TestApp, waitFor } from '../setup/app';
import { client } from '../setup/http';
import { TestSmtp } from '../setup/smtp';

describe('reviews: apply → confirm → approve → assign → invitation (real SMTP) → draft → submit → locked, and every rule', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let territories: string[];
  let suite: ExpertiseSuite;

  const mailTo = (to: string, subject: string) =>
    waitFor(async () => smtp.messages.find((m) => m.to.includes(to) && m.subject.includes(subject)), 20_000, `mail "${subject}" to ${to}`);

  beforeAll(async () => {
    suite = await startExpertiseSuite();
    ({ smtp, t, api, organizer, territories } = suite);
  });
  afterAll(() => suite.close());

  it('the whole path of one expert, end to end', async () => {
    // campaign and documents as the campaigns module would leave them (SQL: this suite does not depend on that API)
    const campaign = await createCampaign(t.dataSource, 'draft', 3);
    const org = await createOrganization(t.dataSource, territories[9], 'Лицей № 9');
    const own = await createDocument(t.dataSource, campaign.id, {
      title: 'Свой документ',
      authorOrganizationId: org,
      authorTerritoryId: territories[9],
    });
    const doc = await createDocument(t.dataSource, campaign.id, { title: 'Модель оценки', authorTerritoryId: territories[3] });

    // apply (the organization name matches a known organization of the territory, so it is linked)
    const email = `full-path-${Date.now()}@example.org`;
    const applied = await api.post('/api/v1/experts/applications', {
      consent: true,
      email,
      password: 'expert-password-1',
      fullName: 'Сидоров Иван',
      territoryId: territories[9],
      organizationName: 'лицей № 9',
      position: 'Учитель',
      competences: ['quality_assessment'],
    });
    expect(applied.status).toBe(201);
    const expertId = applied.body.id;
    const [profile] = await t.dataSource.query(`SELECT organization_id FROM expert_profiles WHERE user_id = $1`, [expertId]);
    expect(profile.organization_id).toBe(org);

    // confirm through the emailed link, then approve
    const confirmation = await mailTo(email, 'Подтвердите адрес');
    const path = /platform\.test(\/experts\/confirm\?token=[A-Za-z0-9_-]+)/.exec(confirmation.text)![1];
    expect((await api.get(path, { headers: { accept: 'text/html' } })).status).toBe(200);
    expect((await api.post(`/api/v1/experts/${expertId}/approve`, {}, { token: organizer.token })).status).toBe(200);
    const login = await api.post('/api/v1/auth/login', { email, password: 'expert-password-1' });
    const token = login.body.accessToken;

    // assign: the conflicting pair is refused, then overridden with a reason that is logged
    const refused = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments`,
      { expertIds: [expertId], documentIds: [own.id, doc.id] },
      { token: organizer.token },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.message).toEqual([
      `conflict: эксперт «Сидоров Иван» (${expertId}) и документ «Свой документ» (${own.id}): организация эксперта — автор документа; укажите overrideReason, чтобы назначить`,
    ]);
    const assigned = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments`,
      {
        expertIds: [expertId],
        documentIds: [own.id, doc.id],
        dueAt: '2031-05-01T10:00:00.000Z',
        overrideReason: 'Единственный специалист',
      },
      { token: organizer.token },
    );
    expect(assigned.status).toBe(201);
    expect(assigned.body).toHaveLength(2);
    const [audit] = await t.dataSource.query(
      `SELECT actor_id, after FROM audit_log WHERE action = 'assignment.conflict_override' AND campaign_id = $1`,
      [campaign.id],
    );
    expect(audit.actor_id).toBe(organizer.id);
    expect(audit.after).toEqual({
      expertId,
      documentId: own.id,
      conflict: 'организация эксперта — автор документа',
      reason: 'Единственный специалист',
    });
    const assignment = assigned.body.find((a: { document: { id: string } }) => a.document.id === doc.id);

    // before expertise opens the expert sees nothing, and cannot write
    expect((await api.get('/api/v1/me/assignments', { token })).body).toEqual([]);

    // expertise opens: the lifecycle enqueues the invitations
    await setCampaignStatus(t.dataSource, campaign.id, 'expertise');
    await t.app.get(OutboxService).enqueue(null, JobName.InviteExperts, { campaignId: campaign.id });
    // one invitation for the campaign, listing both documents with their due dates
    const [{ title: campaignTitle }] = await t.dataSource.query(`SELECT title FROM campaigns WHERE id = $1`, [campaign.id]);
    const invitation = await mailTo(email, `Приглашение к экспертизе: ${campaignTitle}`);
    expect(invitation.text).toContain(`http://platform.test/expert/assignments/${assignment.id}`);
    expect(invitation.text).toContain('«Модель оценки», срок: 01.05.2031, 15:00 (время челябинское)');
    expect(invitation.text).toContain('«Свой документ»');

    const mine = await api.get('/api/v1/me/assignments', { token });
    expect(mine.body).toHaveLength(2);
    expect(mine.body.find((a: { id: string }) => a.id === assignment.id)).toEqual({
      id: assignment.id,
      campaign: { id: campaign.id, title: expect.any(String), status: 'expertise' },
      document: { id: doc.id, title: 'Модель оценки', fileUrl: `/files/documents/${doc.id}` },
      dueAt: '2031-05-01T10:00:00.000Z',
      status: 'assigned',
      late: false,
      submittedAt: null,
    });
    const detail = await api.get(`/api/v1/me/assignments/${assignment.id}`, { token });
    expect(detail.body.criteria.map((c: { id: string }) => c.id)).toEqual(campaign.criteria.map((c) => c.id));
    expect(detail.body.scale).toEqual([
      { score: 0, label: 'Не соответствует' },
      { score: 1, label: 'Соответствует частично' },
      { score: 2, label: 'Соответствует полностью' },
    ]);

    // draft, any time, partial
    const [c1, c2, c3] = campaign.criteria;
    const draft = await api.put(
      `/api/v1/me/assignments/${assignment.id}/review`,
      { scores: [{ criterionId: c1.id, score: 0 }], submit: false },
      { token },
    );
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ status: 'draft', scores: [{ criterionId: c1.id, score: 0, comment: '' }], recommendation: null });

    // submit checks completeness
    const incomplete = await api.put(
      `/api/v1/me/assignments/${assignment.id}/review`,
      {
        scores: [
          { criterionId: c1.id, score: 0 },
          { criterionId: c2.id, score: 2 },
        ],
        submit: true,
      },
      { token },
    );
    expect(incomplete.status).toBe(422);
    expect(incomplete.body.message).toEqual([
      'scores[0].comment: при оценке 0 нужен комментарий (критерий 1)',
      `scores: нет оценки по критерию 3 «${c3.text}»`,
      'recommendation: выберите рекомендацию',
    ]);
    const [stillDraft] = await t.dataSource.query(`SELECT status FROM assignments WHERE id = $1`, [assignment.id]);
    expect(stillDraft.status).toBe('draft');

    const full = {
      scores: [
        { criterionId: c1.id, score: 0, comment: 'Нет связи с региональной моделью' },
        { criterionId: c2.id, score: 2 },
        { criterionId: c3.id, score: 1, comment: 'Частично' },
      ],
      recommendation: 'approve_with_revisions',
      comment: 'Доработать раздел 2',
      submit: true,
    };
    const submitted = await api.put(`/api/v1/me/assignments/${assignment.id}/review`, full, { token });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({
      status: 'submitted',
      recommendation: 'approve_with_revisions',
      comment: 'Доработать раздел 2',
      editable: false,
    });
    const stored = await t.dataSource.query(
      `SELECT criterion_id, score, comment FROM review_scores WHERE assignment_id = $1 ORDER BY score`,
      [assignment.id],
    );
    expect(stored).toEqual([
      { criterion_id: c1.id, score: 0, comment: 'Нет связи с региональной моделью' },
      { criterion_id: c3.id, score: 1, comment: 'Частично' },
      { criterion_id: c2.id, score: 2, comment: '' },
    ]);

    // locked
    const later = await api.put(`/api/v1/me/assignments/${assignment.id}/review`, { ...full, submit: false }, { token });
    expect(later.status).toBe(409);
    expect(later.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'status: оценка уже отправлена и заблокирована',
      code: 'CONFLICT',
    });

    // the organizer reopens it with a logged reason; the expert can edit again
    const noReason = await api.post(`/api/v1/campaigns/${campaign.id}/assignments/${assignment.id}/reopen`, {}, { token: organizer.token });
    expect(noReason.status).toBe(400);
    expect(noReason.body.message).toBe('reason: укажите причину (до 2000 символов)');
    const reopened = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments/${assignment.id}/reopen`,
      { reason: 'Уточните критерий 1' },
      { token: organizer.token },
    );
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'draft', reopenedReason: 'Уточните критерий 1', submittedAt: null });
    const [reopenAudit] = await t.dataSource.query(
      `SELECT actor_id, after FROM audit_log WHERE action = 'review.reopened' AND entity_id = $1`,
      [assignment.id],
    );
    expect(reopenAudit).toEqual({ actor_id: organizer.id, after: { status: 'draft', reason: 'Уточните критерий 1' } });
    await mailTo(email, 'возвращена на доработку');
    const resubmitted = await api.put(`/api/v1/me/assignments/${assignment.id}/review`, full, { token });
    expect(resubmitted.status).toBe(200);
    const reopenNotSubmitted = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments/${assigned.body.find((a: { document: { id: string } }) => a.document.id === own.id).id}/reopen`,
      { reason: 'x' },
      { token: organizer.token },
    );
    expect(reopenNotSubmitted.status).toBe(409);
    expect(reopenNotSubmitted.body.message).toBe('status: вернуть на доработку можно только отправленную оценку');
  });

  describe('rules enforced server-side', () => {
    let campaign: TestCampaign;
    let expert: TestExpert;
    let other: TestExpert;
    let assignmentId: string;
    let otherAssignmentId: string;
    const put = (id: string, body: unknown, token = expert.token) => api.put(`/api/v1/me/assignments/${id}/review`, body, { token });

    beforeAll(async () => {
      campaign = await createCampaign(t.dataSource, 'draft', 2);
      const doc = await createDocument(t.dataSource, campaign.id);
      expert = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[15] });
      other = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[16] });
      const res = await api.post(
        `/api/v1/campaigns/${campaign.id}/assignments`,
        { expertIds: [expert.id, other.id], documentIds: [doc.id] },
        { token: organizer.token },
      );
      assignmentId = res.body.find((a: { expert: { id: string } }) => a.expert.id === expert.id).id;
      otherAssignmentId = res.body.find((a: { expert: { id: string } }) => a.expert.id === other.id).id;
    });

    const valid = () => ({
      scores: campaign.criteria.map((c) => ({ criterionId: c.id, score: 2 })),
      recommendation: 'approve',
      submit: false,
    });

    it('only in the expertise stage (409), stored nothing', async () => {
      const before = await put(assignmentId, valid());
      expect(before.status).toBe(409);
      expect(before.body.message).toBe('campaign: оценки принимаются только на этапе экспертизы');
      await setCampaignStatus(t.dataSource, campaign.id, 'expertise');
      await setCampaignStatus(t.dataSource, campaign.id, 'completed');
      const res = await put(assignmentId, valid());
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: 'campaign: оценки принимаются только на этапе экспертизы',
        code: 'STAGE_CLOSED',
      });
      await setCampaignStatus(t.dataSource, campaign.id, 'expertise');
    });

    it("another expert's assignment is 404, read or write", async () => {
      expect((await api.get(`/api/v1/me/assignments/${otherAssignmentId}`, { token: expert.token })).status).toBe(404);
      const res = await put(otherAssignmentId, valid());
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Назначение не найдено', code: 'NOT_FOUND' });
      expect((await put('not-a-uuid', valid())).status).toBe(404);
      expect((await api.get('/api/v1/me/assignments', { token: organizer.token })).status).toBe(403);
    });

    it('only the campaign criteria (422)', async () => {
      const foreign = await createCampaign(t.dataSource, 'expertise', 1);
      const res = await put(assignmentId, { ...valid(), scores: [{ criterionId: foreign.criteria[0].id, score: 1 }] });
      expect(res.status).toBe(422);
      expect(res.body.message).toEqual([`scores[0].criterionId: критерий ${foreign.criteria[0].id} не относится к этой кампании`]);
      const unknown = await put(assignmentId, { ...valid(), scores: [{ criterionId: '00000000-0000-4000-8000-000000000000', score: 1 }] });
      expect(unknown.status).toBe(422);
      expect(unknown.body.message).toEqual([
        'scores[0].criterionId: критерий 00000000-0000-4000-8000-000000000000 не относится к этой кампании',
      ]);
    });

    it('integer scores in range (400), known recommendation codes (422), well-formed body (400)', async () => {
      const c = campaign.criteria[0].id;
      const frac = await put(assignmentId, { ...valid(), scores: [{ criterionId: c, score: 1.5 }] });
      expect(frac.status).toBe(400);
      expect(frac.body.message).toEqual(['scores[0].score: оценка должна быть целым числом']);
      const str = await put(assignmentId, { ...valid(), scores: [{ criterionId: c, score: '2' }] });
      expect(str.status).toBe(400);
      expect(str.body.message).toEqual(['scores[0].score: оценка должна быть целым числом']);
      const high = await put(assignmentId, { ...valid(), scores: [{ criterionId: c, score: 3 }] });
      expect(high.status).toBe(400);
      expect(high.body.message).toEqual(['scores[0].score: оценка должна быть целым числом от 0 до 2']);
      const low = await put(assignmentId, { ...valid(), scores: [{ criterionId: c, score: -1 }] });
      expect(low.status).toBe(400);
      const dup = await put(assignmentId, {
        ...valid(),
        scores: [
          { criterionId: c, score: 1 },
          { criterionId: c, score: 2 },
        ],
      });
      expect(dup.status).toBe(400);
      expect(dup.body.message).toEqual(['scores[1].criterionId: критерий указан дважды']);
      const rec = await put(assignmentId, { ...valid(), recommendation: 'maybe' });
      expect(rec.status).toBe(422);
      expect(rec.body.message).toBe('recommendation: неизвестная рекомендация «maybe»');
      const shape = await put(assignmentId, { scores: 'all good' });
      expect(shape.status).toBe(400);
      expect(shape.body.message).toEqual(['scores: должен быть массивом', 'submit: должно быть true или false']);
      const extra = await put(assignmentId, { ...valid(), hack: true });
      expect(extra.status).toBe(400);
      expect(extra.body.message).toEqual(['hack: property hack should not exist']);
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM review_scores WHERE assignment_id = $1`, [assignmentId]);
      expect(n).toBe(0);
    });

    it('an unapproved or suspended expert sees no assignments and cannot write', async () => {
      const suspended = await api.post(`/api/v1/experts/${other.id}/suspend`, { reason: 'Проверка' }, { token: organizer.token });
      expect(suspended.status).toBe(200);
      // suspension ends the sessions issued before it (issue 11): nothing can be read or written with them
      expect((await api.get('/api/v1/me/assignments', { token: other.token })).status).toBe(401);
      expect((await put(otherAssignmentId, valid(), other.token)).status).toBe(401);
      // and should a session survive anyway, a suspended profile shows nothing and cannot write
      const [{ email }] = await t.dataSource.query(`SELECT email FROM users WHERE id = $1`, [other.id]);
      await t.dataSource.query(`UPDATE users SET active = true WHERE id = $1`, [other.id]);
      const relogin = await api.post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
      await t.dataSource.query(`UPDATE users SET active = false WHERE id = $1`, [other.id]);
      expect((await api.get('/api/v1/me/assignments', { token: relogin.body.accessToken })).body).toEqual([]);
      expect((await put(otherAssignmentId, valid(), relogin.body.accessToken)).status).toBe(404);
      await api.post(`/api/v1/experts/${other.id}/restore`, {}, { token: organizer.token });
    });

    it('one review per assignment even under two tabs at once: one submit wins, the other gets 409', async () => {
      const body = { ...valid(), submit: true };
      const results = await Promise.all([
        put(assignmentId, body),
        put(assignmentId, body),
        put(assignmentId, { ...valid(), submit: false }),
      ]);
      // the two submits: exactly one wins; the draft save is either before it (200) or after it (409)
      expect([results[0].status, results[1].status].sort()).toEqual([200, 409]);
      expect([200, 409]).toContain(results[2].status);
      expect(results.find((r) => r.status === 409)!.body.message).toBe('status: оценка уже отправлена и заблокирована');
      const [row] = await t.dataSource.query(`SELECT status FROM assignments WHERE id = $1`, [assignmentId]);
      expect(row.status).toBe('submitted');
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM review_scores WHERE assignment_id = $1`, [assignmentId]);
      expect(n).toBe(2);
      const [{ audits }] = await t.dataSource.query(
        `SELECT count(*)::int AS audits FROM audit_log WHERE action = 'review.submitted' AND entity_id = $1`,
        [assignmentId],
      );
      expect(audits).toBe(1);
    });
  });
});
