import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { Role } from '../../src/accounts/entities/user.entity';
import { createScaleCampaign, SCALE, ScaleFixture } from '../factories/seed-scale.factory';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { launchBrowser } from '../setup/browser';
import { startApp, TestApp } from '../setup/app';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WIDTH = 390;
// bypassCSP in the contexts below only lets the test inject axe-core: the app's CSP (rightly) refuses inline scripts
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A code word on screen: camelCase or snake_case (e-mail addresses and links are taken out first). */
const CODE = /(?<![@\w./-])(?:[a-z]+[A-Z][A-Za-z]*|[a-z]+_[a-z_]+)(?![\w@.-]*@)/;

interface Finding {
  page: string;
  width: number;
  axe: string[];
  uuid: string | null;
  code: string | null;
}

/** What a person on a phone trips on: sideways scrolling, serious/critical axe findings, ids and code words. */
async function look(page: Page, name: string): Promise<Finding> {
  // evaluated in the page (the test's TypeScript has no DOM types): the page's width, then axe's serious and critical findings
  const width = await page.evaluate<number>('document.documentElement.scrollWidth');
  await page.addScriptTag({ content: AXE });
  const axe = await page.evaluate<string[]>(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + '×' + v.nodes.length);
  })()`);
  const text = (await page.locator('body').innerText()).replace(/\S+@\S+/g, '').replace(/https?:\/\/\S+/g, '');
  return { page: name, width, axe, uuid: text.match(UUID)?.[0] ?? null, code: text.match(CODE)?.[0] ?? null };
}

const clean = (name: string): Finding => ({ page: name, width: expect.any(Number) as unknown as number, axe: [], uuid: null, code: null });

async function signIn(page: Page, url: string, email: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Адрес электронной почты').fill(email);
  await page.getByLabel('Пароль').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForLoadState();
}

describe('every organizer and expert page of a seed-scale campaign (2,603 responses, 132 experts) at 390 px', () => {
  let t: TestApp;
  let browser: Browser;
  let organizer: TestUser;
  let fx: ScaleFixture;

  beforeAll(async () => {
    t = await startApp();
    organizer = await createUser(t.app, t.url, Role.Organizer, 'Организатор Телефона');
    fx = await createScaleCampaign(t.app, t.dataSource, 'expertise');
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A phone's browser (bypassCSP: see above) */
  const phone = () =>
    browser.newContext({ viewport: { width: WIDTH, height: 844 }, isMobile: true, hasTouch: true, locale: 'ru-RU', bypassCSP: true });

  it('organizer pages: no sideways scrolling, no serious accessibility findings, no ids or code words', async () => {
    const ctx = await phone();
    const page = await ctx.newPage();
    await signIn(page, t.url, organizer.email);
    const c = fx.campaign.id;
    const [response] = await t.dataSource.query(
      `SELECT id FROM responses WHERE campaign_id = $1 AND excluded ORDER BY created_at LIMIT 1`,
      [c],
    );
    const [expert] = await t.dataSource.query(`SELECT id FROM users WHERE email = $1`, [fx.expertEmails[0]]);
    const findings: Finding[] = [];
    const visit = async (name: string, path: string) => {
      const res = await page.goto(`${t.url}${path}`);
      expect([name, res?.status()]).toEqual([name, 200]);
      findings.push(await look(page, name));
    };
    await visit('campaigns', '/organizer/campaigns');
    await visit('campaign', `/organizer/campaigns/${c}`);
    // the coverage by municipality: a card each, the name whole across it (squeezed into a column, names broke mid-word)
    const coverage = await page.evaluate<{ cards: number; whole: number }>(`(() => {
      const rows = [...document.querySelectorAll('table.coverage-table tbody tr')];
      const whole = rows.filter((tr) => tr.querySelector('th').getBoundingClientRect().width >= tr.getBoundingClientRect().width - 2);
      return { cards: rows.length, whole: whole.length };
    })()`);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM territories WHERE active`);
    expect(coverage).toEqual({ cards: n, whole: n });
    await visit('responses', `/organizer/campaigns/${c}/responses`);
    expect(await page.locator('#responses-total strong').textContent()).toMatch(/^2\s603$/);
    await page.getByRole('link', { name: 'Следующие ответы →' }).click();
    findings.push(await look(page, 'responses, page 2'));
    await visit('responses, filtered', `/organizer/campaigns/${c}/responses?flagged=1&excluded=0`);
    await visit('one response', `/organizer/campaigns/${c}/responses/${response.id}`);
    await visit('assignments', `/organizer/campaigns/${c}/assignments`);
    await visit('registry', '/organizer/experts');
    await visit('one expert', `/organizer/experts/${expert.id}`);

    // the plan before assigning: every found expert on one document
    await page.goto(`${t.url}/organizer/campaigns/${c}/assignments`);
    await page.getByLabel(/^Выбрать всех найденных/).check();
    await page.getByLabel(fx.campaign.documents[0].title).check();
    await page.getByRole('button', { name: 'Проверить и назначить' }).click();
    await page.getByRole('heading', { level: 1, name: 'Проверка назначений' }).waitFor();
    expect(await page.locator('#plan-count').textContent()).toBe(`${SCALE.experts - SCALE.perDocument} назначений`);
    findings.push(await look(page, 'assignment plan'));

    // ending the expertise states what is missing, by count and by name
    await page.goto(`${t.url}/organizer/campaigns/${c}`);
    await page.getByRole('button', { name: 'Перейти к этапу «Завершена»' }).click();
    await page.getByRole('heading', { level: 1, name: 'Перейти к этапу «Завершена»?' }).waitFor();
    const [{ total, open }] = await t.dataSource.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status <> 'submitted')::int AS open FROM assignments WHERE campaign_id = $1`,
      [c],
    );
    expect(await page.locator('.confirm-box').textContent()).toContain(`${open} из ${total} рецензий не отправлены`);
    findings.push(await look(page, 'end of expertise: confirmation'));
    await ctx.close();
    expect(findings).toEqual(findings.map((f) => clean(f.page)));
    for (const f of findings) expect([f.page, f.width <= WIDTH]).toEqual([f.page, true]);
  }, 240_000);

  it('expert pages: the list, one assignment and the submit confirmation fit 390 px, accessible, in words', async () => {
    const ctx = await phone();
    const page = await ctx.newPage();
    await signIn(page, t.url, fx.expertEmails[0]);
    await page.getByRole('heading', { level: 1, name: 'Мои экспертизы' }).waitFor();
    const findings: Finding[] = [await look(page, 'my assignments')];
    await page.getByRole('link', { name: fx.campaign.documents[0].title }).click();
    await page.getByRole('heading', { level: 1, name: fx.campaign.documents[0].title }).waitFor();
    findings.push(await look(page, 'one assignment'));
    for (const group of await page.getByRole('group').all()) {
      // the highest score needs no comment, so the review is complete and the confirmation comes next
      const best = group.getByRole('radio').last();
      if (await best.count()) await best.check();
    }
    await page.getByRole('button', { name: 'Отправить оценку' }).click();
    await page.getByRole('heading', { level: 1, name: 'Отправить оценку?' }).waitFor();
    findings.push(await look(page, 'submit confirmation'));
    await ctx.close();
    expect(findings).toEqual(findings.map((f) => clean(f.page)));
    for (const f of findings) expect([f.page, f.width <= WIDTH]).toEqual([f.page, true]);
  }, 120_000);
});
