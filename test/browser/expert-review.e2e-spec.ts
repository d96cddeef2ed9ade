import type { Browser } from 'playwright-core';
import { Role } from '../../src/accounts/entities/user.entity';
import { createCampaign, createDocument, createExpert, territoryIds, TestCampaign, TestExpert } from '../factories/expertise.factory';
import { createUser, TEST_PASSWORD } from '../factories/users.factory';
import { launchBrowser } from '../setup/browser';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

describe('an expert scores a document through the pages in Chromium (JavaScript off)', () => {
  let t: TestApp;
  let browser: Browser;
  let campaign: TestCampaign;
  let expert: TestExpert;
  let assignmentId: string;

  beforeAll(async () => {
    t = await startApp();
    const territories = await territoryIds(t.dataSource);
    campaign = await createCampaign(t.dataSource, 'draft', 2);
    const doc = await createDocument(t.dataSource, campaign.id, { title: 'Модельная программа' });
    expert = await createExpert(t.app, t.url, t.dataSource, { territoryId: territories[25], fullName: 'Браузерный Эксперт' });
    const organizer = await createUser(t.app, t.url, Role.Organizer);
    const res = await client(t.url).post(
      `/api/v1/campaigns/${campaign.id}/assignments`,
      { expertIds: [expert.id], documentIds: [doc.id], dueAt: '2031-06-01T07:00:00.000Z' },
      { token: organizer.token },
    );
    assignmentId = res.body[0].id;
    await t.dataSource.query(`UPDATE campaigns SET status = 'expertise' WHERE id = $1`, [campaign.id]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('logs in, opens the assignment, is told what is missing, saves a draft, submits, and sees the review locked', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${t.url}/login`);
    await page.getByLabel('Адрес электронной почты').fill(expert.email);
    await page.getByLabel('Пароль').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.getByRole('heading', { level: 1, name: 'Мои экспертизы' }).waitFor();
    const row = page.getByRole('row', { name: /Модельная программа/ });
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('01.06.2031, 12:00');
    expect(await row.getByRole('cell').nth(3).textContent()).toBe('Назначено');

    await page.getByRole('link', { name: 'Модельная программа' }).click();
    await page.getByRole('heading', { level: 1, name: 'Модельная программа' }).waitFor();
    expect(await page.getByRole('link', { name: 'Скачать документ' }).getAttribute('href')).toMatch(/^\/files\/documents\/[0-9a-f-]{36}$/);
    const [c1, c2] = campaign.criteria;
    const first = page.getByRole('group', { name: c1.text });
    const second = page.getByRole('group', { name: c2.text });

    // a 0 without a comment, and no recommendation: refused, with the reasons next to the fields and the choice kept
    await first.getByLabel('0 — Не соответствует').check();
    await page.getByRole('button', { name: 'Отправить оценку' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Оценка не сохранена: исправьте ошибки, отмеченные ниже.');
    expect(await page.locator(`#comment_${c1.id}-error`).textContent()).toBe('при оценке 0 комментарий обязателен');
    expect(await page.locator(`#score_${c2.id}-error`).textContent()).toBe('выберите оценку');
    expect(await page.locator('#recommendation-error').textContent()).toBe('выберите рекомендацию');
    expect(await first.getByLabel('0 — Не соответствует').isChecked()).toBe(true);
    expect(await page.locator(`#comment_${c1.id}`).getAttribute('aria-describedby')).toBe(`comment_${c1.id}-error`);

    // save a draft
    await page.locator(`#comment_${c1.id}`).fill('Не отражена региональная специфика');
    await second.getByLabel('2 — Соответствует полностью').check();
    await page.getByRole('button', { name: 'Сохранить черновик' }).click();
    await page.getByRole('status').filter({ hasText: 'Черновик сохранён.' }).waitFor();
    expect(await page.locator('#review-status').textContent()).toBe('Черновик');
    expect(await second.getByLabel('2 — Соответствует полностью').isChecked()).toBe(true);
    expect(await page.locator(`#comment_${c1.id}`).inputValue()).toBe('Не отражена региональная специфика');

    // submit: complete now
    await page.getByRole('group', { name: 'Рекомендация' }).getByLabel('Рекомендовать к утверждению после доработки').check();
    await page.getByLabel('Общий комментарий').fill('Хорошая основа');
    await page.getByRole('button', { name: 'Отправить оценку' }).click();
    // the final submit states its consequence first; the review waits as a draft until confirmed
    await page.getByRole('heading', { level: 1, name: 'Отправить оценку?' }).waitFor();
    expect(await page.locator('.confirm-box').textContent()).toContain('изменить её после отправки нельзя');
    const [waiting] = await t.dataSource.query(`SELECT status FROM assignments WHERE id = $1`, [assignmentId]);
    expect(waiting.status).toBe('draft');
    await page.getByRole('button', { name: 'Да, отправить оценку' }).click();
    await page.getByRole('status').filter({ hasText: 'Оценка отправлена. Спасибо!' }).waitFor();
    expect(await page.locator('#review-status').textContent()).toBe('Отправлено');
    expect(await page.getByRole('button', { name: 'Отправить оценку' }).count()).toBe(0);
    expect(await page.getByRole('radio').count()).toBe(0);
    expect(await page.locator('dl.review-readonly').textContent()).toContain('Рекомендовать к утверждению после доработки');

    const [row2] = await t.dataSource.query(`SELECT status, recommendation, general_comment FROM assignments WHERE id = $1`, [
      assignmentId,
    ]);
    expect(row2).toEqual({ status: 'submitted', recommendation: 'approve_with_revisions', general_comment: 'Хорошая основа' });
    const scores = await t.dataSource.query(
      `SELECT criterion_id, score, comment FROM review_scores WHERE assignment_id = $1 ORDER BY score`,
      [assignmentId],
    );
    expect(scores).toEqual([
      { criterion_id: c1.id, score: 0, comment: 'Не отражена региональная специфика' },
      { criterion_id: c2.id, score: 2, comment: '' },
    ]);

    await page.getByRole('link', { name: '← Мои экспертизы' }).click();
    expect(
      await page
        .getByRole('row', { name: /Модельная программа/ })
        .getByRole('cell')
        .nth(3)
        .textContent(),
    ).toBe('Отправлено');
    await context.close();
  });
});
