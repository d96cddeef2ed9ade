import type { Browser } from 'playwright-core';
import { createCampaign, FactoryCampaign, referenceIds, ReferenceIds } from '../factories/campaign.factory';
import { launchBrowser } from '../setup/browser';
import { startApp, TestApp } from '../setup/app';

describe('a teacher fills the questionnaire in Chromium (JavaScript off)', () => {
  let t: TestApp;
  let browser: Browser;
  let c: FactoryCampaign;
  let ref: ReferenceIds;

  beforeAll(async () => {
    t = await startApp();
    ref = await referenceIds(t.dataSource);
    c = await createCampaign(t.dataSource, {
      documents: 2,
      generalQuestions: true,
      title: 'Обсуждение модельных документов по наставничеству',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('finds the campaign, fails validation once with answers kept, fixes it, submits (double click) and is stored once', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${t.url}/`);
    await page.getByRole('link', { name: c.title }).click();
    await page.getByRole('heading', { level: 1, name: c.title }).waitFor();
    await page.getByRole('link', { name: 'Заполнить анкету' }).click();
    await page.getByRole('heading', { level: 1, name: `Анкета: ${c.title}` }).waitFor();
    const key = await page.locator('input[name="key"]').inputValue();

    const [multi1, scale1, text1, multi2, scale2, , single] = c.questions;
    const exclusive = multi1.options.find((o) => o.exclusive)!;
    // profile by its labels, leaving the territory out on purpose
    await page.getByLabel('Тип организации').selectOption('school');
    await page.getByLabel('Должность').selectOption('teacher');
    await page.getByLabel('Организация (необязательно)').fill('МБОУ «Лицей № 11»');
    // document 1: an ordinary option AND the exclusive one (not allowed), no scale answer (required)
    await page
      .getByRole('group', { name: new RegExp(`^1\\. `) })
      .getByLabel(multi1.options[0].text)
      .check();
    await page
      .getByRole('group', { name: new RegExp(`^1\\. `) })
      .getByLabel(exclusive.text)
      .check();
    await page.getByLabel(new RegExp(`^3\\. ${text1.text}`)).fill('Нужны примеры для сельских школ');
    // document 2 answered with the keyboard: focus the first checkbox and press Space, then the scale
    await page.locator(`#q_${multi2.id}_1`).focus();
    await page.keyboard.press('Space');
    await page.locator(`#q_${scale2.id}_4`).check();
    await page.getByRole('group', { name: /^7\. / }).getByLabel(single.options[1].text).check();
    await page.getByRole('button', { name: 'Отправить анкету' }).click();

    await page.getByText('Анкета не отправлена. Исправьте ошибки:').waitFor();
    expect(await page.locator('#territoryId-error').textContent()).toBe('укажите территорию');
    expect(await page.locator(`#q_${multi1.id}-error`).textContent()).toBe('этот вариант выбирается только отдельно от остальных');
    expect(await page.locator(`#q_${scale1.id}-error`).textContent()).toBe('Ответьте на этот вопрос');
    expect(await page.getByLabel('Территория (муниципальное образование)').getAttribute('aria-describedby')).toBe('territoryId-error');
    // everything typed is kept
    expect(await page.locator('input[name="key"]').inputValue()).toBe(key);
    expect(await page.getByLabel('Тип организации').inputValue()).toBe('school');
    expect(await page.getByLabel('Организация (необязательно)').inputValue()).toBe('МБОУ «Лицей № 11»');
    expect(await page.getByLabel(new RegExp(`^3\\. ${text1.text}`)).inputValue()).toBe('Нужны примеры для сельских школ');
    expect(await page.locator(`#q_${multi2.id}_1`).isChecked()).toBe(true);
    expect(await page.locator(`#q_${scale2.id}_4`).isChecked()).toBe(true);
    expect(await page.locator(`#q_${multi1.id}_0`).isChecked()).toBe(true);

    // the summary links to the field
    await page.getByRole('link', { name: 'Территория: укажите территорию' }).click();
    await page.getByLabel('Территория (муниципальное образование)').selectOption(ref.territoryId);
    await page.getByRole('group', { name: /^1\. / }).getByLabel(exclusive.text).uncheck();
    await page.locator(`#q_${scale1.id}_3`).check();
    // an impatient double click
    await page.getByRole('button', { name: 'Отправить анкету' }).dblclick();

    await page.getByRole('heading', { level: 1, name: 'Спасибо за участие!' }).waitFor();
    const receipt = (await page.locator('#receipt').textContent())!;
    expect(receipt).toMatch(/^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // a reload of the thank-you page stores nothing either
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Спасибо за участие!' }).waitFor();
    await context.close();

    const rows = await t.dataSource.query(
      `SELECT id, receipt, territory_id, organization_type, position, organization_name FROM responses WHERE campaign_id = $1 AND idempotency_key = $2`,
      [c.id, key],
    );
    expect(rows).toEqual([
      {
        id: expect.any(String),
        receipt,
        territory_id: ref.territoryId,
        organization_type: 'school',
        position: 'teacher',
        organization_name: 'МБОУ «Лицей № 11»',
      },
    ]);
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM responses WHERE campaign_id = $1`, [c.id]))[0].n)).toBe(1);
    const answers = await t.dataSource.query(
      `SELECT question_id, option_id, value, text FROM response_answers WHERE response_id = $1 ORDER BY question_id, option_id`,
      [rows[0].id],
    );
    const expected = [
      { question_id: multi1.id, option_id: multi1.options[0].id, value: null, text: null },
      { question_id: scale1.id, option_id: null, value: 4, text: null },
      { question_id: text1.id, option_id: null, value: null, text: 'Нужны примеры для сельских школ' },
      { question_id: multi2.id, option_id: multi2.options[1].id, value: null, text: null },
      { question_id: scale2.id, option_id: null, value: 5, text: null },
      { question_id: single.id, option_id: single.options[1].id, value: null, text: null },
    ].sort((a, b) => (a.question_id + (a.option_id ?? '')).localeCompare(b.question_id + (b.option_id ?? '')));
    expect(answers).toEqual(expected);
  });
});
