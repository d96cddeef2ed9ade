import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { Role } from '../../src/accounts/entities/user.entity';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';
import { createUser, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';
import { Dimension, expectedBreakdown, expectedRounds } from './results-analysis.helpers';

const DIMENSIONS: Dimension[] = ['territory_kind', 'territory', 'position', 'organization_type'];

describe('breakdown API and the rounds compared, against recomputation from the raw rows', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let rounds: ResultsFixture[];

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer);
    // three rounds, the same two documents each time (so a document's change is shown), different coverage
    const titles: [string, string] = ['Модельная программа', 'Положение о конкурсе'];
    rounds = [];
    for (const [i, o] of [
      { year: 2019, responses: 190, territoriesUsed: 37, experts: 4 },
      { year: 2021, responses: 120, territoriesUsed: 30, experts: 3 },
      { year: 2023, responses: 260, territoriesUsed: 34, experts: 6 },
    ].entries()) {
      rounds.push(
        await buildResultsCampaign(t.dataSource, {
          status: 'completed',
          responses: o.responses,
          territoriesUsed: o.territoriesUsed,
          experts: o.experts,
          seed: 100 + i,
          documentTitles: titles,
          discussionOpensAt: new Date(`${o.year}-03-01T04:00:00Z`),
        }),
      );
    }
  });
  afterAll(() => t.close());

  const breakdown = (fx: ResultsFixture, questionId: string, by: string) =>
    api.get(`/api/v1/campaigns/${fx.campaignId}/results/breakdown?questionId=${questionId}&by=${by}`, { token: organizer.token });

  it('every question (single, multi, scale, text) by every dimension equals the recomputation', async () => {
    const fx = rounds[2];
    for (const q of fx.questions) {
      for (const by of DIMENSIONS) {
        const res = await breakdown(fx, q.id, by);
        expect([q.kind, by, res.status]).toEqual([q.kind, by, 200]);
        const { computedAt, byLabel, ...body } = res.body;
        expect(typeof computedAt).toBe('string');
        expect(typeof byLabel).toBe('string');
        expect(body).toEqual(expectedBreakdown(fx, q.id, by));
      }
    }
    // a fixture where territories really differ, so the numbers are not trivially equal across groups
    const single = fx.questions.find((q) => q.kind === 'single')!;
    const byTerritory = (await breakdown(fx, single.id, 'territory')).body;
    expect(byTerritory.groups).toHaveLength(34);
  });

  it('refuses a bad dimension or question with field errors and stable codes; another campaign’s question is 404', async () => {
    const fx = rounds[2];
    const bad = await breakdown(fx, 'nope', 'district');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const other = await breakdown(fx, rounds[0].questions[0].id, 'position');
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('NOT_FOUND');
    const noCampaign = await api.get(
      `/api/v1/campaigns/00000000-0000-4000-8000-000000000000/results/breakdown?questionId=${fx.questions[0].id}&by=position`,
      { token: organizer.token },
    );
    expect(noCampaign.status).toBe(404);
  });

  it('exports the cross-tab as CSV for Russian Excel (BOM, `;`, decimal comma, formulas neutralised) and as XLSX', async () => {
    const fx = rounds[2];
    const multi = fx.questions.find((q) => q.kind === 'multi')!;
    const expected = expectedBreakdown(fx, multi.id, 'position');
    const path = `/organizer/campaigns/${fx.campaignId}/results/breakdown/export?questionId=${multi.id}&by=position`;
    const csvRes = await fetch(`${t.url}${path}&format=csv`, { headers: { authorization: `Bearer ${organizer.token}` } });
    expect(csvRes.status).toBe(200);
    const bytes = Buffer.from(await csvRes.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(bytes.toString('utf8').slice(1), { delimiter: ';', relax_column_count: true });
    expect(rows[0]).toEqual([`Вопрос: ${multi.text}`]);
    expect(rows[1]).toEqual([
      'Должность',
      'Ответили',
      ...multi.options.flatMap((o) => {
        const label = /^[=+\-@]/.test(o.text) ? `'${o.text}` : o.text;
        return [`${label}: ответов`, `${label}: %`];
      }),
    ]);
    const ru = (n: number) => String(n).replace('.', ',');
    expect(rows.slice(2)).toEqual(
      [...expected.groups, { name: 'Все', ...expected.total }].map((g) => [
        g.name,
        String(g.answered),
        ...g.cells.flatMap((c) => [String(c.count), ru(c.percent)]),
      ]),
    );

    const xlsxRes = await fetch(`${t.url}${path}&format=xlsx`, { headers: { authorization: `Bearer ${organizer.token}` } });
    expect(xlsxRes.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await xlsxRes.arrayBuffer()) as never);
    const sheet = book.worksheets[0];
    const values = (r: number) => (sheet.getRow(r).values as unknown[]).slice(1);
    expect(values(3)).toEqual([
      expected.groups[0].name,
      expected.groups[0].answered,
      ...expected.groups[0].cells.flatMap((c) => [c.count, c.percent]),
    ]);
  });

  it('compares the rounds: respondents, coverage, experts, their territories, mean scores, and each change', async () => {
    const res = await api.get('/api/v1/results/rounds', { token: organizer.token });
    expect(res.status).toBe(200);
    const got = res.body.rounds.map(({ status, startedAt, ...r }: Record<string, unknown>) => {
      expect(status).toBe('completed');
      expect(typeof startedAt).toBe('string');
      return r;
    });
    expect(got).toEqual(expectedRounds(rounds));
    // the data really vary: coverage 37 → 30 → 34 of the active territories
    expect(got.map((r: { territories: { covered: number } }) => r.territories.covered)).toEqual([37, 30, 34]);

    const page = await api.get('/organizer/rounds', { token: organizer.token, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<dd class="round-covered">34 из 43 <span class="change">(+4)</span></dd>');
    expect(page.text).toContain('<dd class="round-covered">30 из 43 <span class="change">(−7)</span></dd>');
  });
});
