import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/accounts/entities/user.entity';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { launchBrowser } from '../setup/browser';
import type { INestApplicationContext } from '@nestjs/common';
import { startApp, startWorker, TestApp } from '../setup/app';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/*
 * The queue dashboard (bull-board) as an administrator meets it in Chromium, at 390 and 1366 px: every button has a
 * name a screen reader can say, the queues are named in Russian (the side menu at 1366 px too), and a menu leads back
 * to «Работа системы».
 * bypassCSP only lets the test inject axe-core (the app's CSP refuses inline scripts).
 */
describe('the queue dashboard in the browser', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let browser: Browser;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startApp();
    // a worker processes every queue, as in production: without one bull-board marks each queue with a low-contrast
    // «Эту очередь никто не обрабатывает» badge (its own colours; a state for the administrator to act on)
    worker = await startWorker();
    admin = await createUser(t.app, t.url, Role.Admin, 'Анна Админова');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await t?.close();
  });

  /** Signs the administrator in on the login page, which then leads to `path`. */
  async function signIn(page: Page, path: string): Promise<void> {
    await page.goto(`${t.url}/login?next=${encodeURIComponent(path)}`);
    await page.getByLabel('Адрес электронной почты').fill(admin.email);
    await page.getByLabel('Пароль').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL(`${t.url}${path}`);
  }

  async function open(width: number, path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 844 }, locale: 'en-US', bypassCSP: true });
    const page = await context.newPage();
    await signIn(page, path);
    // the board is drawn by its script; our script names its buttons as they appear
    await page.getByRole('button', { name: 'Настройки' }).waitFor();
    return page;
  }

  async function seriousFindings(page: Page): Promise<string[]> {
    await page.addScriptTag({ content: AXE });
    return page.evaluate<string[]>(`(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + '×' + v.nodes.length);
    })()`);
  }

  for (const width of [390, 1366]) {
    it(`at ${width} px: every button named, queues in Russian (in a browser asking for English), no serious axe finding`, async () => {
      const page = await open(width, '/admin/queues');
      for (const name of ['Подсчёт результатов', 'Отчёты', 'Почта', 'Расписание этапов']) {
        await page.getByText(name, { exact: true }).first().waitFor();
      }
      expect(await page.locator('html').getAttribute('lang')).toBe('ru');
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/\b(aggregation|scheduler|reports)\b/);
      expect(await seriousFindings(page)).toEqual([]);
      expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

      await page.getByRole('button', { name: 'Ссылки' }).click();
      await page.getByRole('menuitem', { name: 'Работа системы' }).waitFor();
      await page.context().close();
    });
  }

  it("a queue's own page: its buttons named too", async () => {
    const page = await open(390, '/admin/queues/queue/mail');
    await page.getByText('Почта', { exact: true }).first().waitFor();
    expect(await seriousFindings(page)).toEqual([]);
    await page.context().close();
  });

  it('«Работа системы» at 390 px: each queue a card, its name on one line, every count named', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const page = await context.newPage();
    await signIn(page, '/admin/operations');
    // evaluated in the page (the test's TypeScript has no DOM types)
    const cards = await page.evaluate<{ name: string; width: number; height: number; labels: string[] }[]>(`
      [...document.querySelectorAll('table.queues tbody tr')].map((tr) => {
        const name = tr.querySelector('td.queue');
        const box = name.getBoundingClientRect();
        const labels = [...tr.querySelectorAll('td.num')].map((td) => getComputedStyle(td, '::before').content);
        return { name: name.textContent, width: Math.round(box.width), height: Math.round(box.height), labels };
      })`);
    expect(cards.map((c) => c.name)).toEqual(['Подсчёт результатов', 'Отчёты', 'Почта', 'Расписание этапов']);
    for (const c of cards) {
      // one line of text across the card, not a letter per line in a squeezed column
      expect([c.name, c.width > 300, c.height < 40]).toEqual([c.name, true, true]);
      expect(c.labels).toEqual(['"Ждут: "', '"Выполняются: "', '"Отложены: "', '"Выполнены: "', '"С ошибкой: "']);
    }
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await context.close();
  });
});
