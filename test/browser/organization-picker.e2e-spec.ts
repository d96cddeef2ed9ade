import type { Browser, Page } from 'playwright-core';
import { createCampaign, FactoryCampaign } from '../factories/campaign.factory';
import { addRegistry, RegistryOrganization } from '../factories/organizations.factory';
import { launchBrowser } from '../setup/browser';
import { startApp, TestApp } from '../setup/app';

interface Weight {
  urls: string[];
  transfer: number;
  encoded: number;
  decoded: number;
}

/** The questionnaire with the region's registry (2,000 organizations) in Chromium: page weight and the picker. */
describe('the questionnaire with 2,000 organizations in the registry (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let c: FactoryCampaign;
  let registry: RegistryOrganization[];
  let territoryId: string;
  let territoryName: string;

  beforeAll(async () => {
    t = await startApp();
    c = await createCampaign(t.dataSource, { documents: 3, title: 'Обсуждение модельных документов по наставничеству' });
    registry = await addRegistry(t.dataSource, 2000);
    [{ id: territoryId, name: territoryName }] = await t.dataSource.query(
      `SELECT id, name FROM territories WHERE active ORDER BY sort_order LIMIT 1`,
    );
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Answers every question of the campaign (first option, middle of the scale, a short text) and the profile selects. */
  async function answerAll(page: Page): Promise<void> {
    await page.getByLabel('Тип организации').selectOption('school');
    await page.getByLabel('Должность').selectOption('teacher');
    for (const q of c.questions) {
      if (q.kind === 'multi' || q.kind === 'single') await page.locator(`#q_${q.id}_0`).check();
      else if (q.kind === 'scale') await page.locator(`#q_${q.id}_2`).check();
      else await page.locator(`#q_${q.id}`).fill('Полезный документ');
    }
  }

  async function storedOrganization(key: string) {
    return t.dataSource.query(
      `SELECT territory_id, organization_id, organization_name FROM responses WHERE campaign_id = $1 AND idempotency_key = $2`,
      [c.id, key],
    );
  }

  it('the page and everything it loads weigh < 30 KB on the wire and < 60 KB unpacked, with no registry in it', async () => {
    expect(Number((await t.dataSource.query(`SELECT count(*)::int AS n FROM organizations`))[0].n)).toBeGreaterThanOrEqual(2000);
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${t.url}/c/${c.slug}/form`, { waitUntil: 'load' });
    const weight: Weight = await page.evaluate(() => {
      // the browser's Performance API (the Node typings of `performance` know no resource timings)
      type Timing = { name: string; transferSize: number; encodedBodySize: number; decodedBodySize: number };
      const perf = performance as unknown as { getEntriesByType(type: string): Timing[] };
      const entries = [...perf.getEntriesByType('navigation'), ...perf.getEntriesByType('resource')];
      return {
        urls: entries.map((e) => new URL(e.name).pathname),
        transfer: entries.reduce((n, e) => n + e.transferSize, 0),
        encoded: entries.reduce((n, e) => n + e.encodedBodySize, 0),
        decoded: entries.reduce((n, e) => n + e.decodedBodySize, 0),
      };
    });
    console.log(
      `questionnaire page with ${registry.length} + 15 organizations: ${weight.urls.join(', ')}; ` +
        `${weight.transfer} B transferred (headers included), ${weight.encoded} B encoded bodies, ${weight.decoded} B unpacked`,
    );
    expect(weight.urls).toEqual([
      `/c/${c.slug}/form`,
      expect.stringMatching(/^\/static\/site\.[0-9a-f]{12}\.css$/),
      expect.stringMatching(/^\/static\/questionnaire\.[0-9a-f]{12}\.js$/),
    ]);
    expect(weight.encoded).toBeGreaterThan(0);
    expect(weight.transfer).toBeLessThan(30 * 1024);
    expect(weight.encoded).toBeLessThan(30 * 1024);
    expect(weight.decoded).toBeLessThan(60 * 1024);
    // no organization of the registry is on the page
    const html = await page.content();
    for (const o of registry.slice(0, 50)) expect(html).not.toContain(o.name);
    await context.close();
  });

  it('with JavaScript on: the territory brings its list, typing filters it, the keyboard chooses; the id is stored', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const page = await context.newPage();
    const lists: { url: string; cacheControl: string | null }[] = [];
    page.on('response', (res) => {
      if (res.url().includes('/api/v1/public/territories/'))
        lists.push({ url: new URL(res.url()).pathname, cacheControl: res.headers()['cache-control'] ?? null });
    });
    await page.goto(`${t.url}/c/${c.slug}/form`);
    const key = await page.locator('input[name="key"]').inputValue();
    const name = page.getByRole('combobox', { name: 'Организация (необязательно)' });
    await page.getByLabel('Территория (муниципальное образование)').selectOption({ label: territoryName });
    await page.waitForResponse((r) => r.url().includes(`/territories/${territoryId}/organizations`));
    expect(lists).toEqual([
      { url: `/api/v1/public/territories/${territoryId}/organizations`, cacheControl: 'public, max-age=300, stale-while-revalidate=60' },
    ]);

    // «лицей 1003» leaves one entry: chosen with the mouse
    const inTerritory = registry.filter((o) => o.territoryId === territoryId);
    const lyceum = inTerritory.find((o) => o.name === 'МБОУ «Лицей № 1003»')!;
    expect(lyceum).toBeDefined();
    await name.pressSequentially('лицей 1003');
    const listbox = page.getByRole('listbox', { name: 'Организации выбранной территории' });
    await expect(listbox.getByRole('option').allTextContents()).resolves.toEqual([lyceum.name]);
    expect(await name.getAttribute('aria-expanded')).toBe('true');
    await listbox.getByRole('option', { name: lyceum.name }).click();
    expect(await name.inputValue()).toBe(lyceum.name);
    expect(await page.locator('input[name="organizationId"]').inputValue()).toBe(lyceum.id);
    expect(await name.getAttribute('aria-expanded')).toBe('false');

    // typing again clears the choice; «гимназия» offers the first 8 by name; ArrowDown twice + Enter takes the second
    await name.fill('');
    await name.pressSequentially('гимназия');
    expect(await page.locator('input[name="organizationId"]').inputValue()).toBe('');
    const gymnasiums = inTerritory.filter((o) => o.name.includes('Гимназия')).sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(gymnasiums.length).toBeGreaterThan(8);
    await expect(listbox.getByRole('option').allTextContents()).resolves.toEqual(gymnasiums.slice(0, 8).map((o) => o.name));
    await name.press('ArrowDown');
    await name.press('ArrowDown');
    expect(await name.getAttribute('aria-activedescendant')).toBe('organizationName-options-1');
    await name.press('Enter');
    expect(await name.inputValue()).toBe(gymnasiums[1].name);
    expect(await page.locator('input[name="organizationId"]').inputValue()).toBe(gymnasiums[1].id);

    await answerAll(page);
    await page.getByRole('button', { name: 'Отправить анкету' }).click();
    await page.getByRole('heading', { level: 1, name: 'Спасибо за участие!' }).waitFor();
    expect(await storedOrganization(key)).toEqual([
      { territory_id: territoryId, organization_id: gymnasiums[1].id, organization_name: null },
    ]);
    // one list request for the whole visit
    expect(lists.length).toBe(1);
    await context.close();
  });

  it('with JavaScript off: a typed name is matched by the server, the candidate confirmed, everything typed kept, the id stored', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await page.goto(`${t.url}/c/${c.slug}/form`);
    const key = await page.locator('input[name="key"]').inputValue();
    const college = registry.find((o) => o.territoryId === territoryId && o.name.startsWith('ГБПОУ'))!;
    const number = /№ (\d+)/.exec(college.name)![1];
    await page.getByLabel('Территория (муниципальное образование)').selectOption({ label: territoryName });
    await page.getByLabel('Организация (необязательно)').fill(`колледж ${number}`);
    await answerAll(page);
    const text = c.questions.find((q) => q.kind === 'text')!;
    await page.locator(`#q_${text.id}`).fill('Нужны примеры для сельских школ');
    await page.getByRole('button', { name: 'Отправить анкету' }).click();

    await page.getByRole('group', { name: 'Уточните организацию' }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe(
      'Анкета ещё не отправлена: уточните организацию в разделе «О себе» и отправьте анкету снова.',
    );
    expect(await page.locator('input[name="key"]').inputValue()).toBe(key);
    expect(await page.getByLabel('Организация (необязательно)').inputValue()).toBe(`колледж ${number}`);
    expect(await page.locator(`#q_${text.id}`).inputValue()).toBe('Нужны примеры для сельских школ');
    expect(await page.getByLabel('Должность').inputValue()).toBe('teacher');
    expect(await storedOrganization(key)).toEqual([]);
    const group = page.getByRole('group', { name: 'Уточните организацию' });
    expect(await group.getByRole('radio').count()).toBe(2);
    await group.getByLabel(college.name).check();
    await page.getByRole('button', { name: 'Отправить анкету' }).click();

    await page.getByRole('heading', { level: 1, name: 'Спасибо за участие!' }).waitFor();
    expect(await storedOrganization(key)).toEqual([{ territory_id: territoryId, organization_id: college.id, organization_name: null }]);
    await context.close();
  });
});
