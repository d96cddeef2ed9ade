import { randomUUID } from 'node:crypto';
import { Role } from '../../src/accounts/entities/user.entity';
import { createExpert, TestExpert } from '../factories/expertise.factory';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';
import { createUser, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';
import { isPage, registeredRoutes, RouteInfo } from '../setup/routes';
import { proposalIdOf, realUrl } from './routes';

/*
 * Issue 7: nobody sees what is not theirs. Every route × every kind of caller, with REAL ids of one campaign, so a
 * missing role check or ownership check shows up as a 2xx (or a page redirect other than to /login).
 */

type Caller = 'anonymous' | 'expert (not assigned)' | 'expert (assigned)' | 'organizer' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'expert (not assigned)', 'expert (assigned)', 'organizer', 'admin'];
const ROLE_OF: Record<Caller, Role | null> = {
  anonymous: null,
  'expert (not assigned)': Role.Expert,
  'expert (assigned)': Role.Expert,
  organizer: Role.Organizer,
  admin: Role.Admin,
};

/** Routes served by Fastify plugins rather than Nest controllers. */
const EXTRA_ROUTES: RouteInfo[] = [{ method: 'GET', path: '/admin/queues', roles: [Role.Admin], isPublic: false, skipCsrf: false }];

/** Routes whose object belongs to one expert: the role alone is not enough. */
const OWN_ASSIGNMENT = /^\/(api\/v1\/me\/assignments|expert\/assignments)\/:id/;

describe('security: role × route matrix with real ids', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let fx: ResultsFixture;
  let other: ResultsFixture;
  let organizer: TestUser;
  let admin: TestUser;
  let assigned: TestExpert;
  let unassigned: TestExpert;
  let assignmentId: string;
  let reportId: string;
  let organizationId: string;
  let organizationTerritoryId: string;
  let proposalId: string;
  let routes: RouteInfo[];
  const tokens = {} as Record<Caller, string | undefined>;

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    fx = await buildResultsCampaign(t.dataSource, { status: 'expertise', responses: 6, experts: 2, seed: 7, resultsPublished: true });
    other = await buildResultsCampaign(t.dataSource, { status: 'expertise', responses: 3, experts: 1, seed: 8 });
    organizer = await createUser(t.app, t.url, Role.Organizer);
    admin = await createUser(t.app, t.url, Role.Admin);
    const territoryId = fx.territories[0].id;
    assigned = await createExpert(t.app, t.url, t.dataSource, { territoryId });
    unassigned = await createExpert(t.app, t.url, t.dataSource, { territoryId });
    assignmentId = randomUUID();
    await t.dataSource.query(
      `INSERT INTO assignments (id, campaign_id, document_id, expert_id, status, row_version) VALUES ($1, $2, $3, $4, 'assigned', 1)`,
      [assignmentId, fx.campaignId, fx.documents[0].id, assigned.id],
    );
    [{ id: reportId }] = await t.dataSource.query(
      `INSERT INTO reports (campaign_id, kind, format) VALUES ($1, 'full', 'csv') RETURNING id`,
      [fx.campaignId],
    );
    [{ id: organizationId, territory_id: organizationTerritoryId }] = await t.dataSource.query(
      `SELECT id, territory_id FROM organizations ORDER BY name LIMIT 1`,
    );
    proposalId = await proposalIdOf(t.dataSource, fx.campaignId);
    tokens.anonymous = undefined;
    tokens['expert (not assigned)'] = unassigned.token;
    tokens['expert (assigned)'] = assigned.token;
    tokens.organizer = organizer.token;
    tokens.admin = admin.token;
    routes = [...registeredRoutes(t), ...EXTRA_ROUTES];
  });
  afterAll(() => t.close());

  /** The path with every parameter replaced by a real id of campaign A (the one the assigned expert works on). */
  const url = (path: string) =>
    realUrl(path, {
      campaignId: fx.campaignId,
      slug: fx.slug,
      documentId: fx.documents[0].id,
      questionId: fx.questions[1].id,
      responseId: fx.responses[0].id,
      assignmentId,
      expertId: assigned.id,
      reportId,
      organizationId,
      userId: organizer.id,
      territoryId: organizationTerritoryId,
      proposalId,
    });

  function allowed(caller: Caller, r: RouteInfo): boolean {
    if (r.isPublic) return true;
    const role = ROLE_OF[caller];
    if (!role) return false;
    if (r.roles && !r.roles.includes(role)) return false;
    if (OWN_ASSIGNMENT.test(r.path) && caller !== 'expert (assigned)') return false;
    return true;
  }

  it('covers every route (public, expert, organizer, admin) with a real id for each parameter', () => {
    expect(routes.length).toBeGreaterThanOrEqual(100);
    for (const r of routes) expect(url(r.path)).not.toMatch(/:/);
    const labels = routes.map((r) => `${r.method} ${r.path}`);
    expect(labels).toEqual(
      expect.arrayContaining([
        'GET /',
        'POST /api/v1/public/campaigns/:slug/responses',
        'PUT /api/v1/me/assignments/:id/review',
        'GET /expert/assignments/:id',
        'GET /api/v1/reports/:id/file',
        'GET /organizer/reports/:id/file',
        'GET /admin/audit',
      ]),
    );
  });

  it('unexpected 2xx over the whole matrix = 0 (and no 5xx anywhere)', async () => {
    const unexpected: string[] = [];
    const errors: string[] = [];
    let cells = 0;
    let sent = 0;
    // disallowed callers first (nothing they send may change anything), then the allowed reads
    for (const pass of ['denied', 'allowed'] as const) {
      for (const r of routes) {
        for (const caller of CALLERS) {
          const ok = allowed(caller, r);
          if (pass === 'denied') cells++;
          if ((pass === 'denied') === ok) continue;
          // allowed calls that change state are exercised by the feature suites, not here
          if (ok && r.method !== 'GET' && !r.isPublic) continue;
          const headers: Record<string, string> = isPage(r.path) ? { accept: 'text/html' } : {};
          const opts = isPage(r.path) && r.method !== 'GET' ? { form: { reason: 'проверка' }, headers } : { headers };
          const body = !isPage(r.path) && r.method !== 'GET' && r.method !== 'DELETE' ? { body: {} } : {};
          const res = await api.request(r.method, url(r.path), { ...opts, ...body, token: tokens[caller] });
          sent++;
          const label = `${r.method} ${r.path} as ${caller}: ${res.status}`;
          if (res.status >= 500) errors.push(label);
          if (ok) continue;
          const location = res.headers.get('location') ?? '';
          const passed =
            (res.status >= 200 && res.status < 300) || (res.status >= 300 && res.status < 400 && !location.startsWith('/login'));
          if (passed) unexpected.push(`${label} ${location}`);
        }
      }
    }
    // the figure quoted in the README
    console.log(
      `role × route matrix: ${routes.length} routes × ${CALLERS.length} callers = ${cells} cells, ${sent} requests, ` +
        `unexpected 2xx = ${unexpected.length}, 5xx = ${errors.length}`,
    );
    expect(unexpected).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('an expert sees only their own assignments (list and by id, API and pages)', async () => {
    const mine = await api.get('/api/v1/me/assignments', { token: assigned.token });
    expect(mine.status).toBe(200);
    expect(mine.body.map((a: { id: string }) => a.id)).toEqual([assignmentId]);
    const none = await api.get('/api/v1/me/assignments', { token: unassigned.token });
    expect([none.status, none.body]).toEqual([200, []]);
    // a fixture expert's assignment in the same campaign is not visible to our assigned expert
    const foreign = fx.reviews[0].assignmentId;
    for (const path of [`/api/v1/me/assignments/${foreign}`, `/expert/assignments/${foreign}`]) {
      const res = await api.get(path, {
        token: assigned.token,
        headers: { accept: path.startsWith('/api') ? 'application/json' : 'text/html' },
      });
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.text).not.toContain(fx.documents[0].title);
    }
    const put = await api.put(
      `/api/v1/me/assignments/${foreign}/review`,
      { scores: [], recommendation: 'approve', submit: false },
      {
        token: assigned.token,
      },
    );
    expect(put.status).toBe(404);
    const page = await api.get('/expert/assignments', { token: unassigned.token, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(fx.documents[0].title);
  });

  it('object ids of campaign A under campaign B are refused with 404 in every stage, and nothing changes', async () => {
    const A = fx;
    const B = other.campaignId;
    const doc = A.documents[0].id;
    const question = A.questions.find((q) => q.documentId === doc)!.id;
    const response = A.responses[0].id;
    const assignment = A.reviews[0].assignmentId;
    const proposal = proposalId;
    const before = await snapshot(A.campaignId);
    const checks: [string, string, Record<string, unknown>?][] = [
      ['GET', `/api/v1/campaigns/${B}/documents/${doc}`],
      ['PATCH', `/api/v1/campaigns/${B}/documents/${doc}`, { body: { title: 'Чужой' } }],
      ['GET', `/api/v1/campaigns/${B}/documents/${doc}/versions/1/file`],
      ['PATCH', `/api/v1/campaigns/${B}/questions/${question}`, { body: { text: 'Чужой вопрос' } }],
      ['DELETE', `/api/v1/campaigns/${B}/questions/${question}`],
      ['POST', `/api/v1/campaigns/${B}/responses/${response}/exclude`, { body: { reason: 'Чужой ответ' } }],
      ['POST', `/api/v1/campaigns/${B}/responses/${response}/include`, { body: { reason: 'Чужой ответ' } }],
      ['DELETE', `/api/v1/campaigns/${B}/assignments/${assignment}`],
      ['POST', `/api/v1/campaigns/${B}/assignments/${assignment}/remind`, { body: {} }],
      ['POST', `/api/v1/campaigns/${B}/assignments/${assignment}/reopen`, { body: { reason: 'Чужое' } }],
      ['POST', `/organizer/campaigns/${B}/documents/${doc}`, { form: { title: 'Чужой' } }],
      ['POST', `/organizer/campaigns/${B}/questions/${question}`, { form: { text: 'Чужой вопрос' } }],
      ['POST', `/organizer/campaigns/${B}/questions/${question}/delete`, { form: {} }],
      ['POST', `/organizer/campaigns/${B}/questions/${question}/move`, { form: { direction: 'up' } }],
      ['POST', `/organizer/campaigns/${B}/responses/${response}/exclude`, { form: { reason: 'Чужой ответ' } }],
      ['POST', `/organizer/campaigns/${B}/responses/${response}/include`, { form: { reason: 'Чужой ответ' } }],
      ['POST', `/organizer/campaigns/${B}/assignments/${assignment}/remind`, { form: {} }],
      ['POST', `/organizer/campaigns/${B}/assignments/${assignment}/reopen`, { form: { reason: 'Чужое' } }],
      ['POST', `/organizer/campaigns/${B}/assignments/${assignment}/delete`, { form: {} }],
      ['PUT', `/api/v1/campaigns/${B}/proposals/${proposal}/decision`, { body: { decision: 'accepted' } }],
      ['POST', `/api/v1/campaigns/${B}/proposals/decisions`, { body: { ids: [proposal], decision: 'accepted' } }],
      ['POST', `/organizer/campaigns/${B}/proposals/decisions`, { form: { group: proposal, decision: 'accepted' } }],
    ];
    const failures: string[] = [];
    for (const status of ['draft', 'discussion', 'revision', 'expertise', 'completed']) {
      await t.dataSource.query(`UPDATE campaigns SET status = $2 WHERE id = ANY($1::uuid[])`, [[A.campaignId, B], status]);
      for (const [method, path, extra] of checks) {
        const headers: Record<string, string> = path.startsWith('/organizer') ? { accept: 'text/html' } : {};
        const res = await api.request(method, path, { headers, ...extra, token: organizer.token });
        if (res.status !== 404) failures.push(`${status}: ${method} ${path.replaceAll(B, 'B')}: ${res.status}`);
      }
      // an assignment of campaign B for a document of campaign A is refused too
      const cross = await api.post(
        `/api/v1/campaigns/${B}/assignments`,
        { expertIds: [other.experts[0].id], documentIds: [doc] },
        { token: organizer.token },
      );
      if (cross.status < 400 || cross.status >= 500) failures.push(`${status}: POST assignments with a foreign document: ${cross.status}`);
    }
    await t.dataSource.query(`UPDATE campaigns SET status = 'expertise' WHERE id = ANY($1::uuid[])`, [[A.campaignId, B]]);
    expect(failures).toEqual([]);
    expect(await snapshot(A.campaignId)).toEqual(before);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM assignments WHERE campaign_id = $1`, [B]);
    expect(n).toBe(other.reviews.length);
  });

  it('report metadata and files are for organizers and administrators only', async () => {
    for (const path of [`/api/v1/reports/${reportId}`, `/api/v1/reports/${reportId}/file`, `/organizer/reports/${reportId}/file`]) {
      const headers: Record<string, string> = path.startsWith('/organizer') ? { accept: 'text/html' } : {};
      const anon = await api.get(path, { headers });
      expect([path, anon.status]).toEqual([path, path.startsWith('/organizer') ? 303 : 401]);
      for (const e of [assigned, unassigned])
        expect([path, (await api.get(path, { headers, token: e.token })).status]).toEqual([path, 403]);
    }
    // the queued report is not downloadable even by an organizer, but the organizer sees its status
    expect((await api.get(`/api/v1/reports/${reportId}`, { token: organizer.token })).status).toBe(200);
  });

  /** Everything of a campaign the cross-campaign calls could have touched. */
  async function snapshot(campaignId: string) {
    const [row] = await t.dataSource.query(
      `SELECT (SELECT json_agg(d ORDER BY d.id) FROM (SELECT id, title, description FROM documents WHERE campaign_id = $1) d) AS documents,
              (SELECT json_agg(q ORDER BY q.id) FROM (SELECT id, text, sort_order FROM questions WHERE campaign_id = $1) q) AS questions,
              (SELECT json_agg(r ORDER BY r.id) FROM (SELECT id, excluded, excluded_reason FROM responses WHERE campaign_id = $1) r) AS responses,
              (SELECT json_agg(a ORDER BY a.id) FROM (SELECT id, status, reopened_reason, row_version FROM assignments WHERE campaign_id = $1) a) AS assignments,
              (SELECT count(*)::int FROM proposal_decisions d JOIN responses r ON r.id = d.response_id WHERE r.campaign_id = $1) AS decisions`,
      [campaignId],
    );
    return row;
  }
});
