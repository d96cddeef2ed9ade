import type { INestApplicationContext } from '@nestjs/common';
import { ExpertNotificationsService } from '../../src/expertise/expert-notifications.service';
import { OutboxService } from '../../src/queue/outbox.service';
import { JobName } from '../../src/queue/queue-registry';
import { SchedulerProcessor } from '../../src/scheduler/scheduler.processor';
import {
  createCampaign,
  createDocument,
  createExpert,
  createOrganization,
  ExpertiseSuite,
  startExpertiseSuite,
  setCampaignStatus,
} from '../factories/expertise.factory';
import { TestUser } from '../factories/users.factory';
import { TestApp, waitFor } from '../setup/app';
import { client } from '../setup/http';
import { TestSmtp } from '../setup/smtp';

describe('assignments: conflicts of interest, bulk modes, invitations and reminders (real SMTP)', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let worker: INestApplicationContext;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let territories: string[];
  const auth = () => ({ token: organizer.token });
  const mailsTo = (to: string) => smtp.messages.filter((m) => m.to.includes(to));

  let suite: ExpertiseSuite;

  beforeAll(async () => {
    suite = await startExpertiseSuite();
    ({ smtp, t, worker, api, organizer, territories } = suite);
  });
  afterAll(() => suite.close());

  it('refuses unapproved experts (422 naming them) and conflicts of interest (409 naming each pair) unless overridden with a logged reason', async () => {
    const campaign = await createCampaign(t.dataSource);
    const org = await createOrganization(t.dataSource, territories[3]);
    const docOrg = await createDocument(t.dataSource, campaign.id, {
      title: 'Альбом',
      authorOrganizationId: org,
      authorTerritoryId: territories[4],
    });
    const docTer = await createDocument(t.dataSource, campaign.id, { title: 'Регламент', authorTerritoryId: territories[1] });
    const clean = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[2], fullName: 'Чистый Эксперт' });
    const sameOrg = await createExpert(t.app, t.url, t.dataSource, {
      territoryId: territories[3],
      organizationId: org,
      fullName: 'Коллега Автора',
    });
    const sameTer = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[1], fullName: 'Земляк Автора' });
    const applied = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[2], status: 'applied', fullName: 'Новичок' });

    const notApproved = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments`,
      { expertIds: [clean.id, applied.id], documentIds: [docOrg.id] },
      auth(),
    );
    expect(notApproved.status).toBe(422);
    expect(notApproved.body).toEqual({
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: [`expertIds: эксперт «Новичок» (${applied.id}) не одобрен`],
      code: 'UNPROCESSABLE',
    });

    const body = { expertIds: [clean.id, sameOrg.id, sameTer.id], documentIds: [docOrg.id, docTer.id], dueAt: '2030-01-10T12:00:00.000Z' };
    const refused = await api.post(`/api/v1/campaigns/${campaign.id}/assignments`, body, auth());
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONFLICT_OF_INTEREST');
    expect(refused.body.message).toEqual([
      `conflict: эксперт «Коллега Автора» (${sameOrg.id}) и документ «Альбом» (${docOrg.id}): организация эксперта — автор документа; укажите overrideReason, чтобы назначить`,
      `conflict: эксперт «Земляк Автора» (${sameTer.id}) и документ «Регламент» (${docTer.id}): территория эксперта — автор документа; укажите overrideReason, чтобы назначить`,
    ]);
    const [{ n: none }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM assignments WHERE campaign_id = $1`, [campaign.id]);
    expect(none).toBe(0);

    const ok = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments`,
      { ...body, overrideReason: 'Других экспертов по теме нет' },
      auth(),
    );
    expect(ok.status).toBe(201);
    expect(ok.body).toHaveLength(6);
    expect(ok.body.every((a: { status: string; dueAt: string }) => a.status === 'assigned' && a.dueAt === '2030-01-10T12:00:00.000Z')).toBe(
      true,
    );
    const overridden = ok.body
      .filter((a: { conflictOverrideReason: string | null }) => a.conflictOverrideReason)
      .map((a: { expert: { id: string }; document: { id: string } }) => `${a.expert.id}:${a.document.id}`)
      .sort();
    expect(overridden).toEqual([`${sameOrg.id}:${docOrg.id}`, `${sameTer.id}:${docTer.id}`].sort());
    const logged = await t.dataSource.query(
      `SELECT actor_id, after->>'reason' AS reason, after->>'expertId' AS expert FROM audit_log WHERE campaign_id = $1 AND action = 'assignment.conflict_override' ORDER BY after->>'expertId'`,
      [campaign.id],
    );
    expect(logged).toEqual(
      [sameOrg.id, sameTer.id].sort().map((expert) => ({ actor_id: organizer.id, reason: 'Других экспертов по теме нет', expert })),
    );

    // a pair is never assigned twice
    const again = await api.post(`/api/v1/campaigns/${campaign.id}/assignments`, { ...body, overrideReason: 'ещё раз' }, auth());
    expect(again.status).toBe(201);
    expect(again.body).toEqual([]);
    const list = await api.get(`/api/v1/campaigns/${campaign.id}/assignments`, auth());
    expect(list.body).toHaveLength(6);

    const bad = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments`,
      { expertIds: [], documentIds: ['x'], dueAt: 'soon' },
      auth(),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toEqual([
      'expertIds: укажите непустой список идентификаторов',
      'documentIds: укажите непустой список идентификаторов',
    ]);
    const badDate = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments`,
      { expertIds: [clean.id], documentIds: [docOrg.id], dueAt: 'soon' },
      auth(),
    );
    expect(badDate.status).toBe(400);
    expect(badDate.body.message).toBe('dueAt: неверная дата (ожидается ISO 8601)');
    const other = await createCampaign(t.dataSource);
    const foreignDoc = await api.post(
      `/api/v1/campaigns/${other.id}/assignments`,
      { expertIds: [clean.id], documentIds: [docOrg.id] },
      auth(),
    );
    expect(foreignDoc.status).toBe(422);
    expect(foreignDoc.body.message).toEqual([`documentIds: документ ${docOrg.id} не относится к этой кампании`]);
    expect((await api.get(`/api/v1/campaigns/${campaign.id}/assignments`, { token: clean.token })).status).toBe(403);
  });

  it('bulk by direction assigns every approved expert of the direction to its documents, never a conflicting pair', async () => {
    const campaign = await createCampaign(t.dataSource);
    const d1 = await createDocument(t.dataSource, campaign.id, { direction: 'school_climate', authorTerritoryId: territories[10] });
    const d2 = await createDocument(t.dataSource, campaign.id, { direction: 'school_climate', authorTerritoryId: territories[11] });
    await createDocument(t.dataSource, campaign.id, { direction: 'health' });
    const e1 = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[10], competences: ['school_climate'] });
    const e2 = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[12], competences: ['school_climate', 'health'] });
    await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[12], competences: ['school_climate'], status: 'suspended' });
    const res = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments/bulk`,
      { mode: 'direction', direction: 'school_climate' },
      auth(),
    );
    expect(res.status).toBe(201);
    // other tests' experts of the same direction may exist: look only at ours
    const ours = res.body.created.filter((a: { expert: { id: string } }) => [e1.id, e2.id].includes(a.expert.id));
    expect(ours.map((a: { expert: { id: string }; document: { id: string } }) => `${a.expert.id}:${a.document.id}`).sort()).toEqual(
      [`${e1.id}:${d2.id}`, `${e2.id}:${d1.id}`, `${e2.id}:${d2.id}`].sort(),
    );
    expect(res.body.skippedConflicts).toContainEqual({
      expertId: e1.id,
      documentId: d1.id,
      reason: 'территория эксперта — автор документа',
    });
    const unknown = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments/bulk`,
      { mode: 'direction', direction: 'alchemy' },
      auth(),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toBe('direction: неизвестное направление «alchemy»');
    const badMode = await api.post(`/api/v1/campaigns/${campaign.id}/assignments/bulk`, { mode: 'random' }, auth());
    expect(badMode.status).toBe(400);
    expect(badMode.body.message).toBe('mode: допустимы direction и balanced');
  });

  it('bulk balanced gives N experts per document from different territories, skipping conflicts', async () => {
    const campaign = await createCampaign(t.dataSource);
    const doc = await createDocument(t.dataSource, campaign.id, { authorTerritoryId: territories[0] });
    const res = await api.post(`/api/v1/campaigns/${campaign.id}/assignments/bulk`, { mode: 'balanced', perDocument: 3 }, auth());
    expect(res.status).toBe(201);
    expect(res.body.created).toHaveLength(3);
    const rows = await t.dataSource.query(
      `SELECT p.territory_id FROM assignments a JOIN expert_profiles p ON p.user_id = a.expert_id WHERE a.document_id = $1`,
      [doc.id],
    );
    const used = rows.map((r: { territory_id: string }) => r.territory_id);
    expect(new Set(used).size).toBe(3);
    expect(used).not.toContain(territories[0]);
    const more = await api.post(`/api/v1/campaigns/${campaign.id}/assignments/bulk`, { mode: 'balanced', perDocument: 3 }, auth());
    expect(more.body.created).toEqual([]);
    const bad = await api.post(`/api/v1/campaigns/${campaign.id}/assignments/bulk`, { mode: 'balanced', perDocument: 0 }, auth());
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe('perDocument: целое число от 1 до 50');
  });

  it('invites each assigned expert once per campaign (one email listing all their documents), however often the job runs', async () => {
    const campaign = await createCampaign(t.dataSource);
    const doc = await createDocument(t.dataSource, campaign.id, { title: 'Дорожная карта' });
    const doc2 = await createDocument(t.dataSource, campaign.id, { title: 'Положение о конкурсе' });
    const a = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[20] });
    const b = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[21] });
    const created = await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments`,
      { expertIds: [a.id, b.id], documentIds: [doc.id] },
      auth(),
    );
    expect(created.status).toBe(201);
    const second = await api.post(`/api/v1/campaigns/${campaign.id}/assignments`, { expertIds: [a.id], documentIds: [doc2.id] }, auth());
    expect(second.status).toBe(201);
    await setCampaignStatus(t.dataSource, campaign.id, 'expertise');
    // as the campaign lifecycle does when expertise opens: twice, to show the job is idempotent
    const outbox = t.app.get(OutboxService);
    await outbox.enqueue(null, JobName.InviteExperts, { campaignId: campaign.id });
    await outbox.enqueue(null, JobName.InviteExperts, { campaignId: campaign.id });
    const [mailA] = await waitFor(async () => (mailsTo(a.email).length ? mailsTo(a.email) : null), 20_000, 'invitation');
    await waitFor(async () => (mailsTo(b.email).length ? true : null), 20_000, 'invitation b');
    const assignmentA = created.body.find((x: { expert: { id: string } }) => x.expert.id === a.id);
    const [{ title }] = await t.dataSource.query(`SELECT title FROM campaigns WHERE id = $1`, [campaign.id]);
    expect(mailA.subject).toBe(`Приглашение к экспертизе: ${title}`);
    expect(mailA.text).toContain('Вам назначены документы (2):');
    expect(mailA.text).toContain('«Дорожная карта»');
    expect(mailA.text).toContain('«Положение о конкурсе»');
    expect(mailA.text).toContain(`http://platform.test/expert/assignments/${assignmentA.id}`);
    expect(mailA.text).toContain(`http://platform.test/expert/assignments/${second.body[0].id}`);
    expect(mailsTo(b.email)[0].text).toContain('Вам назначен документ:');
    expect(await t.app.get(ExpertNotificationsService).inviteExperts(campaign.id)).toBe(0);
    await waitFor(async () => {
      const [r] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM outbox WHERE job_name = 'invite-experts' AND payload->>'campaignId' = $1 AND completed_at IS NULL`,
        [campaign.id],
      );
      return r.n === 0;
    });
    // one invitation per expert, not per document: 2 experts, 3 assignments
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM mail_messages WHERE template = 'expert-invitation' AND campaign_id = $1`,
      [campaign.id],
    );
    expect(n).toBe(2);
    expect(mailsTo(a.email)).toHaveLength(1);
    const [{ invited }] = await t.dataSource.query(`SELECT count(invited_at)::int AS invited FROM assignments WHERE campaign_id = $1`, [
      campaign.id,
    ]);
    expect(invited).toBe(3);

    // an expert assigned while expertise is open is invited too
    const c = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[22] });
    await api.post(`/api/v1/campaigns/${campaign.id}/assignments`, { expertIds: [c.id], documentIds: [doc.id] }, auth());
    await waitFor(async () => (mailsTo(c.email).length ? true : null), 20_000, 'late invitation');
    expect(mailsTo(a.email)).toHaveLength(1);
  });

  it('sends the 3-day and 1-day reminders exactly once each, only to experts who have not submitted; late ones are flagged and reminded by hand', async () => {
    const notifications = t.app.get(ExpertNotificationsService);
    const campaign = await createCampaign(t.dataSource, 'expertise');
    const doc = await createDocument(t.dataSource, campaign.id, { title: 'Методический альбом' });
    const slow = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[30] });
    const done = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[31] });
    const late = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[32] });
    const base = Date.parse('2031-03-10T12:00:00.000Z');
    const due = new Date(base).toISOString();
    for (const e of [slow, done])
      await api.post(`/api/v1/campaigns/${campaign.id}/assignments`, { expertIds: [e.id], documentIds: [doc.id], dueAt: due }, auth());
    await api.post(
      `/api/v1/campaigns/${campaign.id}/assignments`,
      { expertIds: [late.id], documentIds: [doc.id], dueAt: '2020-01-01T00:00:00.000Z' },
      auth(),
    );
    await t.dataSource.query(`UPDATE assignments SET status = 'submitted', submitted_at = now() WHERE expert_id = $1`, [done.id]);

    const day = 24 * 3600 * 1000;
    expect(await notifications.sendDueReminders(new Date(base - 4 * day))).toEqual({ threeDays: 0, oneDay: 0 });
    expect(await notifications.sendDueReminders(new Date(base - 3 * day + 60_000))).toEqual({ threeDays: 1, oneDay: 0 });
    const runs = await Promise.all([1, 2, 3].map(() => notifications.sendDueReminders(new Date(base - 2 * day))));
    expect(runs).toEqual([
      { threeDays: 0, oneDay: 0 },
      { threeDays: 0, oneDay: 0 },
      { threeDays: 0, oneDay: 0 },
    ]);
    const oneDayRuns = await Promise.all([1, 2].map(() => notifications.sendDueReminders(new Date(base - day + 60_000))));
    expect(oneDayRuns.map((r) => r.oneDay).sort()).toEqual([0, 1]);
    expect(await notifications.sendDueReminders(new Date(base - 3600_000))).toEqual({ threeDays: 0, oneDay: 0 });

    const reminders = (to: string) => mailsTo(to).filter((m) => m.subject.startsWith('Напоминание'));
    await waitFor(async () => (reminders(slow.email).length >= 2 ? true : null), 20_000, 'reminders');
    // each exactly once; the worker sends mail jobs concurrently, so the two queued a moment apart may arrive in any order
    const subjects = reminders(slow.email)
      .map((m) => m.subject)
      .sort();
    expect(subjects).toEqual([
      'Напоминание: до срока экспертизы 1 день — Методический альбом',
      'Напоминание: до срока экспертизы 3 дня — Методический альбом',
    ]);
    expect(reminders(done.email)).toEqual([]);
    expect(reminders(late.email)).toEqual([]);

    const list = await api.get(`/api/v1/campaigns/${campaign.id}/assignments`, auth());
    const lateRow = list.body.find((a: { expert: { id: string } }) => a.expert.id === late.id);
    expect(lateRow.late).toBe(true);
    expect(list.body.filter((a: { late: boolean }) => a.late)).toHaveLength(1);
    const reminded = await api.post(`/api/v1/campaigns/${campaign.id}/assignments/${lateRow.id}/remind`, {}, auth());
    expect(reminded.status).toBe(202);
    await waitFor(async () => (reminders(late.email).length ? true : null), 20_000, 'manual reminder');
    expect(reminders(late.email)[0].subject).toBe('Напоминание организатора: экспертиза документа «Методический альбом»');
    const doneRow = list.body.find((a: { expert: { id: string } }) => a.expert.id === done.id);
    const noNeed = await api.post(`/api/v1/campaigns/${campaign.id}/assignments/${doneRow.id}/remind`, {}, auth());
    expect(noNeed.status).toBe(409);
    expect(noNeed.body.message).toBe('status: оценка уже отправлена, напоминание не нужно');
    const cannotDelete = await api.delete(`/api/v1/campaigns/${campaign.id}/assignments/${doneRow.id}`, auth());
    expect(cannotDelete.status).toBe(409);
    expect(cannotDelete.body.message).toBe('status: оценка уже отправлена, назначение нельзя удалить');
    expect((await api.delete(`/api/v1/campaigns/${campaign.id}/assignments/${lateRow.id}`, auth())).status).toBe(204);
    expect((await api.delete(`/api/v1/campaigns/${campaign.id}/assignments/${lateRow.id}`, auth())).status).toBe(404);
  });

  it('the scheduler tick sends due reminders (real clock), once however often it runs', async () => {
    const campaign = await createCampaign(t.dataSource, 'expertise');
    const doc = await createDocument(t.dataSource, campaign.id, { title: 'Регламент мониторинга' });
    const e = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[35] });
    const dueAt = new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString();
    await api.post(`/api/v1/campaigns/${campaign.id}/assignments`, { expertIds: [e.id], documentIds: [doc.id], dueAt }, auth());
    const scheduler = worker.get(SchedulerProcessor);
    await scheduler.tick();
    await scheduler.tick();
    await waitFor(async () => (mailsTo(e.email).some((m) => m.subject.startsWith('Напоминание')) ? true : null), 20_000, 'tick reminder');
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM mail_messages WHERE template = 'expert-reminder' AND campaign_id = $1`,
      [campaign.id],
    );
    expect(n).toBe(1);
  });
});
