import type { Browser } from 'playwright-core';
import { Role } from '../../src/accounts/entities/user.entity';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { launchBrowser } from '../setup/browser';
import { startApp, TestApp } from '../setup/app';
import { pdfBytes } from '../e2e/campaigns.helpers';

describe('an organizer prepares and opens a campaign in Chromium (JavaScript off)', () => {
  let t: TestApp;
  let browser: Browser;
  let organizer: TestUser;

  beforeAll(async () => {
    t = await startApp();
    organizer = await createUser(t.app, t.url, Role.Organizer, 'Организатор Браузера');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs in, creates a campaign, uploads a document with default questions, sees why and then opens the discussion', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${t.url}/organizer/campaigns`);
    // not logged in: the login page, then back
    await page.getByLabel('Адрес электронной почты').fill(organizer.email);
    await page.getByLabel('Пароль').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { level: 1, name: 'Кампании' }).waitFor();

    await page.getByLabel('Название', { exact: true }).fill('Браузерная кампания');
    await page.getByRole('button', { name: 'Создать кампанию' }).click();
    await page.getByRole('heading', { level: 1, name: 'Браузерная кампания' }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('Кампания создана');

    const open = page.getByRole('button', { name: 'Перейти к этапу «Общественное обсуждение»' });
    expect(await open.isDisabled()).toBe(true);
    expect(await page.locator('#missing-discussion').textContent()).toContain('в анкете нет ни одного вопроса');

    await page.getByLabel('Название документа').fill('Дорожная карта');
    await page
      .getByLabel(/^Файл \(PDF/)
      .first()
      .setInputFiles({ name: 'Дорожная карта.pdf', mimeType: 'application/pdf', buffer: pdfBytes() });
    await page.getByRole('button', { name: 'Добавить документ' }).click();
    await page.getByRole('heading', { level: 3, name: 'Дорожная карта' }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('Документ добавлен');
    expect(await page.getByRole('link', { name: 'Версия 1: Дорожная карта.pdf' }).count()).toBe(1);
    expect(await page.locator('ol.questions > li').count()).toBe(3);

    await page.getByRole('button', { name: 'Перейти к этапу «Общественное обсуждение»' }).click();
    // the move is one-way: its consequence is stated first, and only the confirmation makes it
    await page.getByRole('heading', { level: 1, name: 'Перейти к этапу «Общественное обсуждение»?' }).waitFor();
    expect(await page.locator('.confirm-box').textContent()).toContain('Публичная анкета откроется для ответов');
    await page.getByRole('button', { name: 'Да, перейти к этапу «Общественное обсуждение»' }).click();
    await page.getByText('Этап кампании изменён').waitFor();
    expect(await page.locator('strong.stage').textContent()).toBe('Общественное обсуждение');
    await context.close();
  });
});
