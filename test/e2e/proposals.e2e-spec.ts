import { randomUUID } from 'node:crypto';
import { ProposalsSummaryService } from '../../src/proposals/proposals-summary.service';
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/accounts/entities/user.entity';
import { ResultsService } from '../../src/results/results.service';
import { buildProposalsCampaign, DUPLICATE_GROUPS, FxProposal, ProposalsFixture } from '../factories/proposals.factory';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';
import { PROPOSALS_HEADER } from '../integration/report-expectations';

const LABELS: Record<string, string> = {
  accepted: 'учтено',
  partially: 'учтено частично',
  rejected: 'не учтено',
  not_applicable: 'не относится к документу',
};
const DECISIONS = Object.keys(LABELS);

describe('proposals of the revision stage at seed scale (784 proposals over 2,603 responses)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let cookie: string;
  let fx: ProposalsFixture;
  let other: ProposalsFixture;
  /** what the test decided, by proposal id: the source of every expected figure */
  const decided = new Map<string, { decision: string; justification: string | null }>();

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer);
    const login = await api.request('POST', '/login', { form: { email: organizer.email, password: TEST_PASSWORD } });
    cookie = String(login.headers.get('set-cookie')).split(';')[0];
    fx = await buildProposalsCampaign(t.dataSource);
    other = await buildProposalsCampaign(t.dataSource, { status: 'discussion', responses: 60, proposals: 20, seed: 5 });
  }, 120_000);
  afterAll(() => t.close());

  const base = () => `/api/v1/campaigns/${fx.campaignId}/proposals`;
  const auth = () => ({ token: organizer.token });

  async function listAll(query: string): Promise<{ totals: number[]; ids: string[]; pages: number }> {
    const ids: string[] = [];
    const totals: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { total: number; items: { id: string }[]; nextCursor: string | null } } = await api.get(
        `${base()}?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
        auth(),
      );
      expect(res.status).toBe(200);
      totals.push(res.body.total);
      ids.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    return { totals, ids, pages };
  }

  /** Summary recomputed from the fixture and the decisions made, for the given proposals. */
  function expectedSummary(proposals: FxProposal[]) {
    const by = () => ({ accepted: 0, partially: 0, rejected: 0, not_applicable: 0 }) as Record<string, number>;
    const figures = (list: FxProposal[]) => {
      const byDecision = by();
      for (const p of list) if (decided.has(p.id)) byDecision[decided.get(p.id)!.decision]++;
      return { total: list.length, decided: list.filter((p) => decided.has(p.id)).length, byDecision };
    };
    return {
      ...figures(proposals),
      documents: [
        ...fx.documents.map((d) => ({ documentId: d.id, ...figures(proposals.filter((p) => p.documentId === d.id)) })),
        { documentId: null, ...figures(proposals.filter((p) => p.documentId === null)) },
      ],
    };
  }

  it('the fixture is seed-scale: 784 proposals over 2,603 responses, plus text answers of excluded responses', () => {
    expect(fx.responses).toHaveLength(2603);
    expect(fx.proposals).toHaveLength(784);
    expect(fx.answers.length - fx.proposals.length).toBe(30);
  });

  it('the listing pages through every proposal exactly once, in docs/api.md shape, nextCursor null on the last page', async () => {
    const { totals, ids, pages } = await listAll('');
    expect(pages).toBe(8);
    expect(new Set(totals)).toEqual(new Set([784]));
    expect(ids).toEqual(fx.proposals.map((p) => p.id));
    const first = await api.get(`${base()}?limit=1`, auth());
    const p = fx.proposals[0];
    expect(first.body.items[0]).toEqual({
      id: p.id,
      documentId: p.documentId,
      questionId: p.questionId,
      text: p.text,
      territory: { id: p.territoryId, name: fx.territories.find((x) => x.id === p.territoryId)!.name },
      position: p.position,
      organizationType: p.organizationType,
      decision: null,
      justification: null,
      decidedAt: null,
    });
    expect(first.body.nextCursor).toBe(p.id);
  });

  it('filters: each total equals a recomputation from the fixture, and paging a filter returns exactly its proposals', async () => {
    const territory = fx.proposals[3].territoryId;
    const cases: [string, (p: FxProposal) => boolean][] = [
      [`&documentId=${fx.documents[1].id}`, (p) => p.documentId === fx.documents[1].id],
      [`&questionId=${fx.textQuestions[2].id}`, (p) => p.questionId === fx.textQuestions[2].id],
      [`&territoryId=${territory}`, (p) => p.territoryId === territory],
      [`&decision=undecided`, () => true],
      [`&q=${encodeURIComponent('ЁМКОСТЬ')}`, (p) => p.text.toLowerCase().includes('ёмкость')],
      // LIKE wildcards are literal
      [`&q=${encodeURIComponent('%')}`, (p) => p.text.includes('%')],
      [`&q=${encodeURIComponent('_')}`, (p) => p.text.includes('_')],
      [
        `&documentId=${fx.documents[0].id}&territoryId=${territory}`,
        (p) => p.documentId === fx.documents[0].id && p.territoryId === territory,
      ],
    ];
    for (const [query, match] of cases) {
      const expected = fx.proposals.filter(match).map((p) => p.id);
      expect(expected.length).toBeGreaterThan(0);
      const { totals, ids } = await listAll(query);
      expect({ query, total: totals[0], ids }).toEqual({ query, total: expected.length, ids: expected });
    }
  });

  it('refuses bad listing parameters with 400 naming each', async () => {
    const res = await api.get(`${base()}?documentId=nope&decision=maybe&q=${'я'.repeat(201)}`, auth());
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'documentId: неверный идентификатор',
        'decision: ожидается undecided, accepted, partially, rejected, not_applicable',
        'q: не длиннее 200 символов',
      ],
      code: 'VALIDATION_FAILED',
    });
    const paging = await api.get(`${base()}?limit=500&cursor=abc`, auth());
    expect(paging.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['limit: целое число от 1 до 200', 'cursor: неверное значение, используйте nextCursor предыдущей страницы'],
      code: 'VALIDATION_FAILED',
    });
    expect((await api.get(base())).status).toBe(401);
  });

  it('a decision needs a justification for partially and rejected (400 naming it); nothing is stored', async () => {
    const id = fx.proposals[0].id;
    for (const decision of ['partially', 'rejected']) {
      const res = await api.put(`${base()}/${id}/decision`, { decision }, auth());
      expect(res.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: `justification: обязательно для решения «${LABELS[decision]}»`,
        code: 'VALIDATION_FAILED',
      });
      const blank = await api.put(`${base()}/${id}/decision`, { decision, justification: '   ' }, auth());
      expect(blank.status).toBe(400);
    }
    const long = await api.put(`${base()}/${id}/decision`, { decision: 'rejected', justification: 'я'.repeat(2001) }, auth());
    expect(long.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'justification: не длиннее 2000 символов (сейчас 2001)',
      code: 'VALIDATION_FAILED',
    });
    const unknownDecision = await api.put(`${base()}/${id}/decision`, { decision: 'maybe' }, auth());
    expect(unknownDecision.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['decision: ожидается accepted, partially, rejected, not_applicable'],
      code: 'VALIDATION_FAILED',
    });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM proposal_decisions WHERE answer_id = $1`, [id]);
    expect(n).toBe(0);
  });

  it('unknown ids, proposals of another campaign and of excluded responses are 404; before the revision stage 409', async () => {
    const notFound = { statusCode: 404, error: 'Not Found', code: 'NOT_FOUND' };
    const unknown = await api.put(`${base()}/999999999999/decision`, { decision: 'accepted' }, auth());
    expect(unknown.body).toEqual({ ...notFound, message: 'Предложение не найдено: 999999999999' });
    const garbage = await api.put(`${base()}/abc/decision`, { decision: 'accepted' }, auth());
    expect(garbage.body).toEqual({ ...notFound, message: 'Предложение не найдено: abc' });
    const foreign = other.proposals[0].id;
    const res = await api.put(`${base()}/${foreign}/decision`, { decision: 'accepted' }, auth());
    expect(res.body).toEqual({ ...notFound, message: `Предложение не найдено: ${foreign}` });
    const excluded = fx.answers.find((a) => a.excluded)!.id;
    expect((await api.put(`${base()}/${excluded}/decision`, { decision: 'accepted' }, auth())).body).toEqual({
      ...notFound,
      message: `Предложение не найдено: ${excluded}`,
    });
    const early = await api.put(`/api/v1/campaigns/${other.campaignId}/proposals/${foreign}/decision`, { decision: 'accepted' }, auth());
    expect(early.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'Решения по предложениям принимаются после обсуждения, начиная с этапа доработки',
      code: 'STAGE_CLOSED',
    });
    const campaign = await api.put(
      `/api/v1/campaigns/00000000-0000-4000-8000-000000000000/proposals/1/decision`,
      { decision: 'accepted' },
      auth(),
    );
    expect(campaign.body).toEqual({ ...notFound, message: 'Кампания не найдена' });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM proposal_decisions`);
    expect(n).toBe(0);
  });

  it('a bulk decision is all or nothing: one foreign id and none of the others is decided', async () => {
    const ids = fx.proposals.slice(0, 50).map((p) => p.id);
    const res = await api.post(`${base()}/decisions`, { ids: [...ids, other.proposals[1].id], decision: 'accepted' }, auth());
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `Предложение не найдено: ${other.proposals[1].id}`,
      code: 'NOT_FOUND',
    });
    const missing = await api.post(`${base()}/decisions`, { ids, decision: 'rejected' }, auth());
    expect(missing.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'justification: обязательно для решения «не учтено»',
      code: 'VALIDATION_FAILED',
    });
    const empty = await api.post(`${base()}/decisions`, { ids: [], decision: 'accepted' }, auth());
    expect(empty.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['ids: нужен хотя бы один идентификатор'],
      code: 'VALIDATION_FAILED',
    });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM proposal_decisions`);
    expect(n).toBe(0);
  });

  it('decides many at once and one by one; the summary, the filters and the audit equal a recomputation', async () => {
    // 600 proposals in bulk batches of each decision, then a few changed one by one
    const chosen = fx.proposals.slice(0, 600);
    for (let i = 0; i < chosen.length; i += 150) {
      const decision = DECISIONS[(i / 150) % 4];
      const justification = decision === 'partially' || decision === 'rejected' ? `Обоснование =${decision} «${i}»` : null;
      const ids = chosen.slice(i, i + 150).map((p) => p.id);
      const res = await api.post(`${base()}/decisions`, { ids, decision, ...(justification ? { justification } : {}) }, auth());
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ updated: 150 });
      for (const id of ids) decided.set(id, { decision, justification });
    }
    const changed = fx.proposals[10];
    const put = await api.put(`${base()}/${changed.id}/decision`, { decision: 'rejected', justification: '  Противоречит ФГОС  ' }, auth());
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: changed.id, decision: 'rejected', justification: 'Противоречит ФГОС', text: changed.text });
    expect(Date.parse(put.body.decidedAt)).not.toBeNaN();
    decided.set(changed.id, { decision: 'rejected', justification: 'Противоречит ФГОС' });

    const summary = await api.get(`${base()}/summary`, auth());
    expect(summary.body).toEqual(expectedSummary(fx.proposals));
    expect(summary.body.decided).toBe(600);

    for (const decision of [...DECISIONS, 'undecided']) {
      const expected = fx.proposals.filter((p) =>
        decision === 'undecided' ? !decided.has(p.id) : decided.get(p.id)?.decision === decision,
      );
      const { totals, ids } = await listAll(`&decision=${decision}`);
      expect({ decision, total: totals[0], ids }).toEqual({ decision, total: expected.length, ids: expected.map((p) => p.id) });
    }
    const audit: { n: number; changed: { before: unknown; after: unknown } }[] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE campaign_id = $1 AND action = 'proposal.decide'`,
      [fx.campaignId],
    );
    expect(audit[0].n).toBe(601);
    const [history] = await t.dataSource.query(
      `SELECT actor_id, before, after FROM audit_log WHERE action = 'proposal.decide' AND entity_id = $1 ORDER BY id DESC LIMIT 1`,
      [changed.id],
    );
    expect(history).toEqual({
      actor_id: organizer.id,
      before: { decision: 'accepted', justification: null },
      after: { decision: 'rejected', justification: 'Противоречит ФГОС' },
    });
  });

  it('excluding a response later takes its proposals out of every count', async () => {
    const target = fx.proposals.find((p) => decided.get(p.id)?.decision === 'accepted')!;
    const res = await api.post(`/api/v1/campaigns/${fx.campaignId}/responses/${target.responseId}/exclude`, { reason: 'Повтор' }, auth());
    expect(res.status).toBe(200);
    fx.proposals = fx.proposals.filter((p) => p.responseId !== target.responseId);
    const summary = await api.get(`${base()}/summary`, auth());
    expect(summary.body).toEqual(expectedSummary(fx.proposals));
    expect((await listAll('')).ids).toEqual(fx.proposals.map((p) => p.id));
  });

  it('the results snapshot carries the summary as `proposals`', async () => {
    await t.app.get(ResultsService).aggregate(fx.campaignId);
    const res = await api.get(`/api/v1/campaigns/${fx.campaignId}/results`, auth());
    expect(res.body.proposals).toEqual(expectedSummary(fx.proposals));
    // and not before any decision exists
    await t.app.get(ResultsService).aggregate(other.campaignId);
    const before = await api.get(`/api/v1/campaigns/${other.campaignId}/results`, auth());
    expect(before.status).toBe(200);
    expect(before.body.proposals).toBeUndefined();
  });

  it('the XLSX summary holds every proposal once, with its decision in Russian, formula-safe, header frozen and filtered', async () => {
    const res = await fetch(`${t.url}/organizer/campaigns/${fx.campaignId}/proposals/summary.xlsx`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
    const ws = wb.getWorksheet('Предложения')!;
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(PROPOSALS_HEADER);
    const rows: { text: string; decision: string; justification: string }[] = [];
    ws.eachRow((row, i) => {
      if (i === 1) return;
      const v = row.values as unknown[];
      rows.push({ text: String(v[4]), decision: String(v[8]), justification: String(v[9] ?? '') });
    });
    expect(rows).toHaveLength(fx.proposals.length);
    const safe = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
    // as multisets: every proposal's (text, decision, justification) exactly once
    const key = (r: { text: string; decision: string; justification: string }) => JSON.stringify(r);
    const expected = fx.proposals.map((p) => {
      const d = decided.get(p.id);
      return key({
        text: safe(p.text),
        decision: d ? LABELS[d.decision] : 'решение не принято',
        justification: d?.justification ? safe(d.justification) : '',
      });
    });
    expect(rows.map(key).sort()).toEqual(expected.sort());
    expect(rows.some((r) => r.text.startsWith("'=HYPERLINK"))).toBe(true);
  });

  it('the PDF summary holds every decided proposal once, with its decision in Russian', async () => {
    const res = await fetch(`${t.url}/organizer/campaigns/${fx.campaignId}/proposals/summary.pdf`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'proposals-pdf-'));
    writeFileSync(join(dir, 's.pdf'), Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 's.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('Сводка предложений');
    expect(text).not.toContain('[object');
    const lines = text.split(/[\n\f]/);
    // proposals with a unique marker ("Предложение 0042: ..."): each printed once, followed by its decision
    const unique = fx.proposals.filter((p) => /^Предложение \d{4}:/.test(p.text) && decided.has(p.id));
    expect(unique.length).toBeGreaterThan(300);
    for (const p of unique) {
      const marker = p.text.slice(0, 'Предложение 0000:'.length);
      const at = text.indexOf(marker);
      expect({ marker, count: text.split(marker).length - 1 }).toEqual({ marker, count: 1 });
      const line = text
        .slice(at)
        .split('\n')
        .find((l) => l.startsWith('Решение: '))!;
      const label = /^Решение: (.+?)(\. Обоснование: .*)?$/.exec(line)![1];
      expect({ marker, label }).toEqual({ marker, label: LABELS[decided.get(p.id)!.decision] });
    }
    // near-identical texts are separate proposals in the files: each variant as often as it was written (pdftotext
    // folds double spaces, so those variants are left to the XLSX check)
    for (const variant of DUPLICATE_GROUPS.flat().filter((v) => !v.includes('«') && !v.includes('  '))) {
      const n = fx.proposals.filter((p) => p.text === variant).length;
      const printed = lines.filter((l) => /^\d+\. /.test(l) && l.replace(/^\d+\. /, '') === variant).length;
      expect({ variant, printed }).toEqual({ variant, printed: n });
    }
  }, 60_000);

  it('an error page keeps the signed-in organizer\'s menu and way out', async () => {
    const res = await fetch(`${t.url}/organizer/campaigns/${randomUUID()}/proposals`, { headers: { cookie } });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('Кампания не найдена');
    expect(html).toContain('Выйти (');
    expect(html).not.toContain('>Вход<');
  });

  it('past FILE_MAX proposals the instant downloads lead back to the page, which points to the full report', async () => {
    const max = ProposalsSummaryService.FILE_MAX;
    ProposalsSummaryService.FILE_MAX = 100; // the fixture has 784, fewer once earlier tests excluded responses
    const proposalsPage = `/organizer/campaigns/${fx.campaignId}/proposals`;
    try {
      for (const file of ['summary.xlsx', 'summary.pdf']) {
        const res = await fetch(`${t.url}${proposalsPage}/${file}`, { headers: { cookie }, redirect: 'manual' });
        expect(res.status).toBe(303);
        expect(res.headers.get('location')).toBe(`${proposalsPage}#summary-files`);
      }
      const page = await (await fetch(`${t.url}${proposalsPage}`, { headers: { cookie } })).text();
      expect(page).not.toContain('/proposals/summary.xlsx');
      expect(page).toContain('Сводка предложений: их слишком много для мгновенной выгрузки.');
      expect(page).toContain(`<a href="/organizer/campaigns/${fx.campaignId}/results">«Результаты и отчёты»</a>`);
    } finally {
      ProposalsSummaryService.FILE_MAX = max;
    }
    const page = await (await fetch(`${t.url}${proposalsPage}`, { headers: { cookie } })).text();
    expect(page).toContain('/proposals/summary.xlsx');
    expect((await fetch(`${t.url}${proposalsPage}/summary.xlsx`, { headers: { cookie }, redirect: 'manual' })).status).toBe(200);
  });

  it('opening the expertise with undecided proposals is refused naming the count, and goes ahead with a reason (audited)', async () => {
    const undecided = fx.proposals.filter((p) => !decided.has(p.id)).length;
    const path = `/api/v1/campaigns/${fx.campaignId}/transitions`;
    const refused = await api.post(path, { to: 'expertise' }, auth());
    expect(refused.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: `Предложений без решения: ${undecided}. Чтобы открыть экспертизу, не приняв по ним решений, укажите причину`,
      code: 'PROPOSALS_UNDECIDED',
    });
    const moved = await api.post(path, { to: 'expertise', reason: 'Сроки экспертизы утверждены приказом' }, auth());
    expect(moved.status).toBe(200);
    expect(moved.body.status).toBe('expertise');
    const [entry] = await t.dataSource.query(
      `SELECT actor_id, after FROM audit_log WHERE campaign_id = $1 AND action = 'campaign.transition' ORDER BY id DESC LIMIT 1`,
      [fx.campaignId],
    );
    expect(entry).toEqual({
      actor_id: organizer.id,
      after: { status: 'expertise', reason: 'Сроки экспертизы утверждены приказом', undecidedProposals: undecided },
    });
    // decisions go on in the expertise
    const next = fx.proposals.find((p) => !decided.has(p.id))!;
    expect((await api.put(`${base()}/${next.id}/decision`, { decision: 'not_applicable' }, auth())).status).toBe(200);
    decided.set(next.id, { decision: 'not_applicable', justification: null });
  });

  it('the expert scoring a document sees its versions with their notes and the summary of its proposals', async () => {
    const expert = await createUser(t.app, t.url, Role.Expert, 'Эксперт Сводки');
    await t.dataSource.query(
      `INSERT INTO expert_profiles (user_id, status, territory_id, organization_name, position) VALUES ($1, 'approved', $2, 'Школа', 'teacher')`,
      [expert.id, fx.territories[0].id],
    );
    const [assignment] = await t.dataSource.query(
      `INSERT INTO assignments (campaign_id, document_id, expert_id, status, row_version) VALUES ($1, $2, $3, 'assigned', 1) RETURNING id`,
      [fx.campaignId, fx.documents[0].id, expert.id],
    );
    const login = await api.request('POST', '/login', { form: { email: expert.email, password: TEST_PASSWORD } });
    const expertCookie = String(login.headers.get('set-cookie')).split(';')[0];
    const page = await api.get(`/expert/assignments/${assignment.id}`, { cookie: expertCookie, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const own = expectedSummary(fx.proposals).documents[0];
    expect(page.text).toContain('<h2 id="proposals-heading">Что изменилось после обсуждения</h2>');
    expect(page.text).toContain('(последняя): Доработано по итогам обсуждения (1)</li>');
    expect(page.text).toContain(`<caption>Решения по предложениям: ${own.decided} из ${own.total}</caption>`);
    expect(page.text).toContain(`<tr><th scope="row">не учтено</th><td class="num">${own.byDecision.rejected}</td></tr>`);
    // only this document's proposals
    expect(page.text).not.toContain('Документ 2 ');
  });
});
