import { Role } from '../../src/accounts/entities/user.entity';
import { ViewService } from '../../src/common/view.service';
import { ProposalsRepository } from '../../src/proposals/proposals.repository';
import { ProposalsSummaryService } from '../../src/proposals/proposals-summary.service';
import { ResultsService } from '../../src/results/results.service';
import { buildProposalsCampaign, FxProposal, ProposalsFixture } from '../factories/proposals.factory';
import { createUser, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

/** The «Сводка предложений» section of a page. */
function section(html: string): string {
  const start = html.indexOf('<section aria-labelledby="proposals-heading"');
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start) + '</section>'.length);
}

/** HTML text as the page escapes it (Handlebars: & < > " ' ` =). */
const escaped = (s: string) =>
  s.replace(
    /[&<>"'`=]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' })[c]!,
  );

describe('the public results page keeps its «Сводка предложений» per results snapshot (docs/revision.md)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let fx: ProposalsFixture;
  /** decisions made by this test, by proposal id */
  const decided = new Map<string, string>();

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer);
    fx = await buildProposalsCampaign(t.dataSource, {
      status: 'completed',
      resultsPublished: true,
      responses: 700,
      proposals: 240,
      seed: 29,
    });
  }, 120_000);
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  const page = async () => {
    const res = await fetch(`${t.url}/c/${fx.slug}/results`);
    expect(res.status).toBe(200);
    return section(await res.text());
  };
  /** The section as the page rendered it before: the summary computed from the current rows on the spot. */
  const live = async () => {
    const proposalsSummary = await t.app.get(ProposalsSummaryService).published(fx.campaignId);
    return section(
      t.app.get(ViewService).render('pages/public/results', { campaign: { title: fx.title }, proposalsSummary }, { layout: null }),
    );
  };
  const aggregate = () => t.app.get(ResultsService).aggregate(fx.campaignId);
  const stored = async (): Promise<{ snapshot_id: string } | undefined> =>
    (await t.dataSource.query(`SELECT snapshot_id FROM published_proposals WHERE campaign_id = $1`, [fx.campaignId]))[0];
  const snapshots = async (): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM results_snapshots WHERE campaign_id = $1`, [fx.campaignId]))[0].n;
  const groupCalls = () => jest.spyOn(t.app.get(ProposalsRepository, { strict: false }), 'groups');

  async function decide(proposals: FxProposal[], decision: string, justification?: string) {
    const res = await api.post(
      `/api/v1/campaigns/${fx.campaignId}/proposals/decisions`,
      { ids: proposals.map((p) => p.id), decision, ...(justification ? { justification } : {}) },
      { token: organizer.token },
    );
    expect(res.body).toEqual({ updated: proposals.length });
    for (const p of proposals) decided.set(p.id, decision);
  }

  /** «Решения по предложениям: N из M» per document with proposals, recomputed from the fixture and the decisions. */
  function captions(proposals: FxProposal[]): string[] {
    return [...fx.documents.map((d) => d.id), null]
      .map((id) => proposals.filter((p) => p.documentId === id))
      .filter((own) => own.length)
      .map((own) => `Решения по предложениям: ${own.filter((p) => decided.has(p.id)).length} из ${own.length}`);
  }

  it('the aggregation after the decisions keeps the summary for its snapshot; the page shows it unchanged, without grouping', async () => {
    expect(await page()).toBe(''); // no decision yet: no section
    await decide(fx.proposals.slice(0, 90), 'accepted');
    await decide(fx.proposals.slice(90, 130), 'rejected', 'Противоречит ФГОС <b>&</b>');
    const snapshot = (await aggregate())!;
    expect(await stored()).toEqual({ snapshot_id: snapshot.id });

    const groups = groupCalls();
    const shown = await page();
    const again = await page();
    expect(groups).not.toHaveBeenCalled();
    expect(shown).toBe(await live());
    expect(again).toBe(shown);
    for (const caption of captions(fx.proposals)) expect([caption, shown.includes(caption)]).toEqual([caption, true]);
    expect(shown).toContain(escaped('Противоречит ФГОС <b>&</b>'));
    expect(shown).toContain('Доработано по итогам обсуждения (1)'); // the versions are part of it
  });

  it('a new decision shows after the aggregation that follows it (the kept summary is for the newest snapshot only)', async () => {
    const before = await page();
    const count = await snapshots();
    const target = fx.proposals.find((p) => !decided.has(p.id) && /^Предложение \d{4}:/.test(p.text))!;
    await decide([target], 'partially', 'Учтено в разделе 7, новое обоснование');
    // until the aggregation the page shows the summary of the newest snapshot (unless a worker aggregated already)
    if ((await snapshots()) === count) expect(await page()).toBe(before);
    await aggregate();
    const after = await page();
    expect(after).not.toBe(before);
    expect(after).toContain('Учтено в разделе 7, новое обоснование');
    expect(after).toBe(await live());
    for (const caption of captions(fx.proposals)) expect([caption, after.includes(caption)]).toEqual([caption, true]);
  });

  it('excluding a response takes its proposals out of the page after the aggregation that follows', async () => {
    const target = fx.proposals.find((p) => decided.get(p.id) === 'rejected')!;
    const res = await api.post(
      `/api/v1/campaigns/${fx.campaignId}/responses/${target.responseId}/exclude`,
      { reason: 'Повтор' },
      { token: organizer.token },
    );
    expect(res.status).toBe(200);
    fx.proposals = fx.proposals.filter((p) => p.responseId !== target.responseId);
    await aggregate();
    const shown = await page();
    expect(shown).toBe(await live());
    for (const caption of captions(fx.proposals)) expect([caption, shown.includes(caption)]).toEqual([caption, true]);
  });

  it('a missing or older kept summary is computed once by the first pages, for the newest snapshot, then kept', async () => {
    const expected = await page();
    await t.dataSource.query(`DELETE FROM published_proposals WHERE campaign_id = $1`, [fx.campaignId]);
    const groups = groupCalls();
    const pages = await Promise.all([page(), page(), page()]);
    expect(pages).toEqual([expected, expected, expected]);
    // one computation shared by the three requests: one grouping per document with proposals
    expect(groups).toHaveBeenCalledTimes(captions(fx.proposals).length);
    const [latest] = await t.dataSource.query(`SELECT id FROM results_snapshots WHERE campaign_id = $1 ORDER BY computed_at DESC LIMIT 1`, [
      fx.campaignId,
    ]);
    expect(await stored()).toEqual({ snapshot_id: latest.id });
    groups.mockClear();
    expect(await page()).toBe(expected);
    expect(groups).not.toHaveBeenCalled();
  });

  it('stages without a public results page do not pay for it at aggregation', async () => {
    const open = await buildProposalsCampaign(t.dataSource, { status: 'revision', responses: 80, proposals: 30, seed: 31 });
    await t.app.get(ResultsService).aggregate(open.campaignId);
    const rows = await t.dataSource.query(`SELECT 1 FROM published_proposals WHERE campaign_id = $1`, [open.campaignId]);
    expect(rows).toEqual([]);
  });
});
