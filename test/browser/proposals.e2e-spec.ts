import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/accounts/entities/user.entity';
import { buildProposalsCampaign, ProposalsFixture } from '../factories/proposals.factory';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { launchBrowser } from '../setup/browser';
import { startApp, TestApp } from '../setup/app';

describe('an organizer decides proposals on a phone (390 px, JavaScript off), and the public results page shows the summary', () => {
  let t: TestApp;
  let browser: Browser;
  let organizer: TestUser;
  let fx: ProposalsFixture;

  beforeAll(async () => {
    t = await startApp();
    organizer = await createUser(t.app, t.url, Role.Organizer, 'Организатор Доработки');
    fx = await buildProposalsCampaign(t.dataSource, { responses: 400, proposals: 120, seed: 3, resultsPublished: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  // evaluated in the page (a string, so the test's TypeScript needs no DOM types)
  const noSidewaysScroll = async (page: Page) =>
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

  it('filters, checks groups of near-identical proposals, is told the justification is missing, then decides them', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${t.url}/organizer/campaigns/${fx.campaignId}`);
    await page.getByLabel('Адрес электронной почты').fill(organizer.email);
    await page.getByLabel('Пароль').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.locator('#proposals-decided').waitFor();
    expect(await page.locator('#proposals-decided').textContent()).toBe('решено 0 из 120');
    await page.getByRole('link', { name: 'Рассмотреть предложения' }).click();
    await page.getByRole('heading', { level: 1, name: 'Предложения участников обсуждения' }).waitFor();
    await noSidewaysScroll(page);
    expect(await page.locator('#found').textContent()).toContain('Найдено предложений: 120');

    // the largest groups come first: the near-identical variants of one text, decided together
    const boxes = page.locator('input[name="group"]');
    const first = (await boxes.nth(0).getAttribute('value'))!.split(',');
    const second = (await boxes.nth(1).getAttribute('value'))!.split(',');
    expect(first.length).toBeGreaterThan(1);
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByLabel('не учтено', { exact: true }).check();
    await page.getByRole('button', { name: 'Принять решение' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.locator('#justification-error').textContent()).toBe('Обоснование обязательно для решения «не учтено»');
    expect(await page.locator('#justification').getAttribute('aria-invalid')).toBe('true');
    // the choices survive the refusal
    expect(await boxes.nth(0).isChecked()).toBe(true);
    expect(await boxes.nth(1).isChecked()).toBe(true);
    expect(await t.dataSource.query(`SELECT 1 FROM proposal_decisions`)).toEqual([]);

    await page.getByLabel(/^Обоснование/).fill('Противоречит требованиям ФГОС');
    await page.getByRole('button', { name: 'Принять решение' }).click();
    const count = first.length + second.length;
    await page.getByText(`Решение сохранено. Предложений: ${count}.`).waitFor();
    await noSidewaysScroll(page);
    const stored: { id: string; decision: string; justification: string }[] = await t.dataSource.query(
      `SELECT answer_id::text AS id, decision, justification FROM proposal_decisions ORDER BY answer_id`,
    );
    expect(stored).toEqual(
      [...first, ...second]
        .sort((a, b) => Number(a) - Number(b))
        .map((id) => ({ id, decision: 'rejected', justification: 'Противоречит требованиям ФГОС' })),
    );

    await page.getByLabel('Решение', { exact: true }).selectOption({ label: 'Без решения' });
    await page.getByRole('button', { name: 'Показать' }).click();
    await page.waitForURL(/decision=undecided/);
    expect(await page.locator('#found').textContent()).toContain(`Найдено предложений: ${120 - count}`);

    await page.goto(`${t.url}/organizer/campaigns/${fx.campaignId}`);
    expect(await page.locator('#proposals-decided').textContent()).toBe(`решено ${count} из 120`);
    await context.close();
  });

  it('the public results page publishes the summary beside the document versions', async () => {
    await t.dataSource.query(`UPDATE campaigns SET status = 'completed' WHERE id = $1`, [fx.campaignId]);
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${t.url}/c/${fx.slug}/results`);
    await page.getByRole('heading', { level: 2, name: 'Сводка предложений' }).waitFor();
    await noSidewaysScroll(page);
    const section = page.locator('#proposals-summary');
    expect(await section.getByText('Версия 2 от').first().textContent()).toContain('Доработано по итогам обсуждения (1)');
    await section.locator('summary').first().click();
    expect(await section.getByText(/^не учтено( — \d+)?: Противоречит требованиям ФГОС$/).count()).toBeGreaterThan(0);
    await noSidewaysScroll(page);
    await context.close();
  });
});
