import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Role } from '../../src/accounts/entities/user.entity';
import { ResultsService } from '../../src/results/results.service';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { launchBrowser } from '../setup/browser';
import { startApp, TestApp } from '../setup/app';
import { expectedBreakdown } from '../e2e/results-analysis.helpers';

/** The bits of the page's DOM these checks read (the tests' tsconfig has no DOM library). */
interface El {
  tagName: string;
  className: string;
  clientWidth: number;
  textContent: string | null;
  parentElement: El | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { right: number; width: number; height: number };
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El> & Iterable<El>;
  closest(selector: string): El | null;
}
declare const document: { documentElement: { scrollWidth: number }; querySelectorAll(selector: string): ArrayLike<El> & Iterable<El> };

/**
 * The organizer's monitoring and results pages on a seed-scale round: 2,603 responses from 34 of the 43
 * municipalities, two documents. JavaScript off; at a phone's width and at a laptop's.
 */
describe('results and monitoring pages in Chromium on a seed-scale round', () => {
  let t: TestApp;
  let browser: Browser;
  let organizer: TestUser;
  let fx: ResultsFixture;
  let silent: string[];

  beforeAll(async () => {
    t = await startApp();
    organizer = await createUser(t.app, t.url, Role.Organizer, 'Организатор Итогов');
    fx = await buildResultsCampaign(t.dataSource, {
      status: 'completed',
      responses: 2603,
      territoriesUsed: 34,
      resultsPublished: true,
      seed: 2023,
    });
    await t.app.get(ResultsService).aggregate(fx.campaignId);
    const counted = new Set(fx.responses.filter((r) => !r.excluded).map((r) => r.territoryId));
    silent = fx.territories.filter((tr) => tr.active && !counted.has(tr.id)).map((tr) => tr.name);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function loggedIn(width: number): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${t.url}/login`);
    await page.getByLabel('Адрес электронной почты').fill(organizer.email);
    await page.getByLabel('Пароль').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    return { context, page };
  }

  /** No sideways scrolling of the page itself at a phone's width (wide tables scroll in their own box). */
  async function expectNoSidewaysScroll(page: Page, width: number) {
    if (width !== 390) return;
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    // on failure, name the elements sticking out
    const wide =
      scrollWidth <= 390
        ? []
        : await page.evaluate(() =>
            [...document.querySelectorAll('body *')]
              .filter((el) => el.getBoundingClientRect().right > 391 && !el.closest('.table-wrap'))
              .slice(0, 8)
              .map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`),
          );
    expect([page.url(), scrollWidth, wide]).toEqual([page.url(), Math.min(scrollWidth, 390), []]);
  }

  /**
   * At a phone's width, figures by municipality or group (coverage, «Кто отвечал») are cards whose name spans the card:
   * squeezed into a column beside «Респондентов», the names broke mid-word.
   */
  async function expectWholeNames(page: Page, width: number) {
    if (width !== 390) return;
    const cards = await page.evaluate(() =>
      [...document.querySelectorAll('table.figure-cards tbody tr')].map((tr) => {
        const name = tr.querySelector('th')!;
        return name.getBoundingClientRect().width >= tr.getBoundingClientRect().width - 2 ? 'whole' : name.textContent;
      }),
    );
    expect(cards.length).toBeGreaterThan(43);
    expect(cards.filter((c) => c !== 'whole')).toEqual([]);
  }

  async function expectSilentNamed(page: Page) {
    expect(silent).toHaveLength(9);
    expect((await page.locator('#silent-heading').textContent())?.trim()).toBe('Нет ни одного ответа: 9 муниципалитетов');
    const listed = await page.locator('#silent .silent-list li').allTextContents();
    expect(listed).toHaveLength(9);
    for (const [i, name] of silent.entries()) expect(listed[i]).toContain(name);
    expect(await page.locator('#silent').isVisible()).toBe(true);
    expect(await page.locator('#coverage-covered').textContent()).toBe('34 из 43');
  }

  /** Every bar carries a number, says it beside the bar, and is drawn that wide. */
  async function expectBarsCarryNumbers(page: Page) {
    const bars = await page.locator('.bar').evaluateAll((els: El[]) =>
      els.map((el) => {
        const fill = el.querySelector('.bar-fill');
        const label = el.parentElement?.querySelector('.num')?.textContent ?? '';
        return {
          value: el.getAttribute('data-value'),
          track: el.clientWidth,
          fill: fill ? fill.getBoundingClientRect().width : -1,
          visible: el.getBoundingClientRect().height > 0,
          label,
        };
      }),
    );
    expect(bars.length).toBeGreaterThan(43);
    for (const bar of bars) {
      expect([bar.value, /^[0-9]+(\.[0-9])?$/.test(bar.value ?? '')]).toEqual([bar.value, true]);
      const value = Number(bar.value);
      expect(bar.visible).toBe(true);
      expect(bar.track).toBeGreaterThan(40);
      expect(Math.abs(bar.fill - (bar.track * value) / 100)).toBeLessThanOrEqual(1);
      expect(Number(bar.label.replace(/\s/g, '').replace('%', '').replace(',', '.'))).toBe(value);
    }
    return bars.length;
  }

  for (const width of [390, 1366]) {
    it(`at ${width} px: the silent municipalities are named, bars carry numbers, a cross-tab and a search agree with the rows`, async () => {
      const { context, page } = await loggedIn(width);

      await page.goto(`${t.url}/organizer/campaigns/${fx.campaignId}`);
      await expectSilentNamed(page);
      await expectNoSidewaysScroll(page, width);

      await page.goto(`${t.url}/organizer/campaigns/${fx.campaignId}/results`);
      await expectSilentNamed(page);
      await expectBarsCarryNumbers(page);
      await expectNoSidewaysScroll(page, width);
      await expectWholeNames(page, width);

      // a breakdown chosen on the page: a document's single-choice question by position
      const question = fx.questions.filter((q) => q.kind === 'single')[1];
      const documentTitle = fx.documents.find((d) => d.id === question.documentId)!.title;
      await page.getByLabel('Вопрос', { exact: true }).selectOption({ label: `${documentTitle}: ${question.text}` });
      await page.getByLabel('Должность').check();
      await page.getByRole('button', { name: 'Показать разбивку' }).click();
      await page.locator('#crosstab').waitFor();
      await expectNoSidewaysScroll(page, width);
      const rows = await page.locator('#crosstab tr[data-group]').evaluateAll((trs: El[]) =>
        trs.map((tr) => ({
          name: tr.querySelector('th')!.textContent,
          answered: Number(tr.querySelector('.answered')!.textContent!.replace(/\s/g, '')),
          cells: [...tr.querySelectorAll('.cell')].map((td) => ({
            count: Number(td.getAttribute('data-count')),
            percent: Number(td.getAttribute('data-percent')),
          })),
        })),
      );
      const expected = expectedBreakdown(fx, question.id, 'position');
      expect(rows).toEqual([
        ...expected.groups.map((g) => ({ name: g.name, answered: g.answered, cells: g.cells })),
        { name: 'Все', answered: expected.total.answered, cells: expected.total.cells },
      ]);

      // a free-text answer found by search; the excluded ones are counted apart
      const withText = fx.responses.findIndex((r, i) => i >= 1000 && !r.excluded && r.answers.some((a) => a.text));
      const needle = `№${withText}`;
      const matching = fx.responses.flatMap((r) =>
        r.answers.filter((a) => a.text?.includes(needle)).map((a) => ({ ...a, excluded: r.excluded })),
      );
      const shown = matching.filter((a) => !a.excluded);
      expect(shown.length).toBeGreaterThan(0);
      await page.goto(`${t.url}/organizer/campaigns/${fx.campaignId}/results`);
      await page.getByLabel('Искать в свободных ответах').fill(needle);
      await page.getByRole('button', { name: 'Найти' }).click();
      await page.locator('#answers-count').waitFor();
      expect(await page.locator('.answer blockquote').allTextContents()).toEqual(expect.arrayContaining(shown.map((a) => a.text)));
      expect(await page.locator('.answer').count()).toBe(shown.length);
      expect(await page.locator('#answers-count strong').textContent()).toBe(String(shown.length));
      await expectNoSidewaysScroll(page, width);
      // the user's % is a character, not a wildcard: no answer contains it
      await page.getByLabel('Искать в тексте ответа').fill('%');
      await page.getByRole('button', { name: 'Показать' }).click();
      expect(await page.locator('#answers-count strong').textContent()).toBe('0');

      // all answers, excluded ones counted apart
      await page.goto(`${t.url}/organizer/campaigns/${fx.campaignId}/results/answers`);
      const texts = fx.responses.flatMap((r) => r.answers.filter((a) => a.text?.trim()).map(() => r.excluded));
      const excluded = texts.filter(Boolean).length;
      expect(await page.locator('#answers-count').textContent()).toContain(`ещё ${excluded} ответ`);
      expect(await page.locator('.answer').count()).toBe(50);
      await page.getByRole('link', { name: 'Следующие ответы →' }).click();
      expect(await page.locator('.answer').count()).toBe(50);
      await expectNoSidewaysScroll(page, width);

      await page.goto(`${t.url}/organizer/rounds`);
      expect(await page.locator('.round-covered').first().textContent()).toBe('34 из 43');
      await expectNoSidewaysScroll(page, width);
      await context.close();
    });

    it(`at ${width} px: the public side links the published results, whose bars carry numbers; contacts in the footer`, async () => {
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 }, locale: 'ru-RU' });
      const page = await context.newPage();
      await page.goto(`${t.url}/`);
      await expectNoSidewaysScroll(page, width);
      expect(await page.locator('footer').textContent()).toContain('centre@example.org');
      await page.locator(`a[href="/c/${fx.slug}/results"]`).first().click();
      await page.locator('#figure-respondents').waitFor();
      expect((await page.locator('#figure-respondents').textContent())?.replace(/\s/g, '')).toBe(
        String(fx.responses.filter((r) => !r.excluded).length),
      );
      await expectBarsCarryNumbers(page);
      await expectNoSidewaysScroll(page, width);
      await page.goto(`${t.url}/c/${fx.slug}`);
      await page.getByRole('link', { name: 'Итоги обсуждения' }).click();
      await page.locator('#figure-respondents').waitFor();
      await context.close();
    });
  }
});
