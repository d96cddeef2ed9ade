import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Role } from '../../src/accounts/entities/user.entity';
import { AuditAction } from '../../src/audit/audit-action';
import { AuditService } from '../../src/audit/audit.service';
import { createUser, TEST_PASSWORD, TestUser } from '../factories/users.factory';
import { launchBrowser } from '../setup/browser';
import { startApp, startWorker, TestApp } from '../setup/app';
import { startSmtp, TestSmtp } from '../setup/smtp';

/*
 * Issue 16 in Chromium with JavaScript off, at 390 px: an administrator adds an organizer, who sets a password from the
 * emailed link (real SMTP, in-process) and signs in; the administrator blocks them and their open session ends at once;
 * imports organizations from an XLSX with one bad row (named, nothing saved), then a good file; reads the audit log.
 */
describe('administration in the browser', () => {
  let smtp: TestSmtp;
  let t: TestApp;
  let worker: INestApplicationContext;
  let browser: Browser;
  let admin: TestUser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    process.env.SMTP_URL = smtp.url;
    t = await startApp();
    worker = await startWorker();
    admin = await createUser(t.app, t.url, Role.Admin, 'Анна Админова');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await worker?.close();
    await t?.close();
    await smtp?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    contexts.push(context);
    return context.newPage();
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${t.url}/login`);
    await page.getByLabel('Адрес электронной почты').fill(email);
    await page.getByLabel('Пароль').fill(password);
    await page.getByRole('button', { name: 'Войти' }).click();
  }

  const noSidewaysScroll = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  let adminPage: Page;
  let organizerPage: Page;
  const organizerEmail = `olga-${Date.now()}@example.org`;

  it('adds an organizer, who sets a password from the emailed link and signs in', async () => {
    adminPage = await newPage();
    await signIn(adminPage, admin.email, TEST_PASSWORD);
    await adminPage.getByRole('link', { name: 'Пользователи' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Пользователи' }).waitFor();
    const add = adminPage.getByRole('group', { name: 'Добавить пользователя' });
    await add.getByLabel('Фамилия, имя, отчество').fill('Ольга Организаторова');
    await add.getByLabel('Адрес электронной почты').fill(organizerEmail);
    await add.getByLabel('Роль').selectOption({ label: 'Организатор' });
    await adminPage.getByRole('button', { name: 'Добавить и отправить приглашение' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Ольга Организаторова' }).waitFor();
    expect(await adminPage.getByRole('status').textContent()).toBe(
      'Пользователь добавлен: ему отправлено письмо со ссылкой для установки пароля',
    );
    expect(await noSidewaysScroll(adminPage)).toBe(true);

    const [mail] = (await smtp.waitForCount(1)).filter((m) => m.to.includes(organizerEmail));
    expect(mail.subject).toBe('Приглашение на платформу обсуждений: задайте пароль');
    const path = /http:\/\/platform\.test(\/password-reset\?token=[\w-]+)/.exec(mail.text)![1];
    // the administrator never saw a password: the mail carries none, only the link
    expect(mail.text).not.toMatch(/парол[ья]:\s*\S/);

    organizerPage = await newPage();
    await organizerPage.goto(`${t.url}${path}`);
    await organizerPage.getByLabel('Новый пароль (не короче 8 символов)').fill('olga-own-password');
    await organizerPage.getByRole('button', { name: 'Сменить пароль' }).click();
    await organizerPage.getByText('Пароль изменён. Войдите с новым паролем.').waitFor();
    await signIn(organizerPage, organizerEmail, 'olga-own-password');
    await organizerPage.getByRole('heading', { level: 1, name: 'Кампании' }).waitFor();
    const [row] = await t.dataSource.query(`SELECT role, active, email_confirmed_at IS NOT NULL AS confirmed FROM users WHERE email = $1`, [
      organizerEmail,
    ]);
    expect(row).toEqual({ role: 'organizer', active: true, confirmed: true });
  });

  it('blocks the organizer: their open session ends at once', async () => {
    await adminPage.getByRole('button', { name: 'Заблокировать' }).click();
    expect(await adminPage.getByRole('status').textContent()).toBe('Пользователь заблокирован, все его сеансы завершены');
    // the organizer's next click, in the session they still have open, lands on the login page
    await organizerPage.goto(`${t.url}/organizer/campaigns`);
    await organizerPage.getByRole('heading', { level: 1, name: 'Вход' }).waitFor();
    expect(new URL(organizerPage.url()).pathname).toBe('/login');
    await signIn(organizerPage, organizerEmail, 'olga-own-password');
    await organizerPage.getByText('Неверный адрес электронной почты или пароль').waitFor();
  });

  async function xlsxFile(rows: string[][]): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Лист1');
    for (const r of rows) ws.addRow(r);
    return {
      name: 'организации.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.from(await wb.xlsx.writeBuffer()),
    };
  }

  it('imports organizations: a file with one bad row is refused with the row named, then a good file is saved', async () => {
    const header = ['Название', 'Территория', 'Вид территории', 'Тип организации', 'Базовая площадка', 'РИП', 'ИНН', 'Направления'];
    const good = [
      'МАОУ «Школа будущего»',
      'Копейский городской округ',
      '',
      'Общеобразовательная организация',
      'да',
      'да',
      '7451207868',
      'Знание',
    ];
    const count = async () => (await t.dataSource.query(`SELECT count(*)::int AS n FROM organizations`))[0].n as number;
    const before = await count();

    await adminPage.getByRole('link', { name: 'Справочники' }).click();
    await adminPage.getByRole('link', { name: 'Организации' }).click();
    await adminPage.getByRole('link', { name: 'Загрузить из таблицы (XLSX или CSV)' }).click();
    await adminPage
      .getByLabel('Файл XLSX или CSV (до 5 МБ)')
      .setInputFiles(
        await xlsxFile([header, good, ['Детский сад № 5', 'Копейский городской округ', '', 'Детский сад', 'да', '', '7451207869', '']]),
      );
    await adminPage.getByRole('button', { name: 'Проверить файл' }).click();
    await adminPage.getByRole('heading', { name: 'Ошибки в файле' }).waitFor();
    expect(await adminPage.locator('.import-problems li').allTextContents()).toEqual([
      'Строка 3: неизвестный тип организации «Детский сад»; ИНН «7451207869» неверен: нужно 10 или 12 цифр с верной контрольной цифрой',
    ]);
    expect(await adminPage.getByRole('alert').textContent()).toContain('Ничего не сохранено');
    expect(await count()).toBe(before);

    await adminPage
      .getByLabel('Файл XLSX или CSV (до 5 МБ)')
      .setInputFiles(
        await xlsxFile([
          header,
          good,
          ['Детский сад № 5', 'Копейский городской округ', '', 'Дошкольная образовательная организация', 'нет', '', '', ''],
        ]),
      );
    await adminPage.getByRole('button', { name: 'Проверить файл' }).click();
    await adminPage.getByRole('button', { name: 'Сохранить организации' }).waitFor();
    expect(await count()).toBe(before);
    expect(await noSidewaysScroll(adminPage)).toBe(true);
    await adminPage.getByRole('button', { name: 'Сохранить организации' }).click();
    expect(await adminPage.getByRole('status').textContent()).toBe('Загрузка сохранена: добавлено 2, обновлено 0, без изменений 0');
    expect(await count()).toBe(before + 2);
    const saved = await t.dataSource.query(
      `SELECT o.name, o.base_site, o.innovation_site, o.inn, o.directions FROM organizations o JOIN territories t ON t.id = o.territory_id
        WHERE t.name = 'Копейский городской округ' AND o.name IN ('МАОУ «Школа будущего»', 'Детский сад № 5') ORDER BY o.name`,
    );
    expect(saved).toEqual([
      { name: 'Детский сад № 5', base_site: false, innovation_site: false, inn: null, directions: [] },
      { name: 'МАОУ «Школа будущего»', base_site: true, innovation_site: true, inn: '7451207868', directions: ['knowledge'] },
    ]);
  });

  it('reads audit entries as sentences, filtered by campaign title and person', async () => {
    // a transition Ольга made before she was blocked, as the lifecycle service records it
    const [organizer] = await t.dataSource.query(`SELECT id FROM users WHERE email = $1`, [organizerEmail]);
    const [campaign] = await t.dataSource.query(
      `INSERT INTO campaigns (slug, title, status, criterion_scale, row_version) VALUES ('model-2026', 'Модельные документы 2026', 'expertise', '[]', 1) RETURNING id`,
    );
    await t.app.get(AuditService).record(null, {
      actorId: organizer.id,
      action: AuditAction.CampaignTransition,
      entityType: 'campaign',
      entityId: campaign.id,
      campaignId: campaign.id,
      before: { status: 'revision' },
      after: { status: 'expertise' },
    });
    await adminPage.getByRole('link', { name: 'Журнал' }).click();
    await adminPage.getByRole('heading', { level: 1, name: 'Журнал действий' }).waitFor();
    const sentences = await adminPage.locator('.audit-entries .sentence').allTextContents();
    expect(sentences.slice(0, 3)).toEqual([
      'Ольга Организаторова перевела кампанию «Модельные документы 2026» на этап «Экспертиза»',
      'Анна Админова загрузила организации из файла: добавлено 2, обновлено 0',
      'Анна Админова заблокировала пользователя Ольга Организаторова',
    ]);
    expect(sentences).toContain('Анна Админова добавила пользователя Ольга Организаторова с ролью «Организатор»');
    // no codes, ids or JSON on the page
    const text = (await adminPage.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/campaign\.transition|user\.block|[0-9a-f]{8}-[0-9a-f]{4}-|\{"/);

    await adminPage.getByLabel('Кампания (часть названия)').fill('модельные');
    await adminPage.getByLabel('Кто действовал (имя или адрес почты)').fill('Ольга');
    await adminPage.getByRole('button', { name: 'Показать' }).click();
    expect(await adminPage.locator('.audit-entries .sentence').allTextContents()).toEqual([
      'Ольга Организаторова перевела кампанию «Модельные документы 2026» на этап «Экспертиза»',
    ]);
    expect(await adminPage.locator('.audit-entries .when').first().textContent()).toMatch(
      /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} · Модельные документы 2026$/,
    );
    expect(await noSidewaysScroll(adminPage)).toBe(true);
  });

  it('the lists of users, territories and organizations at 390 px: a card per row, its name on top, each value named', async () => {
    const page = await newPage();
    await signIn(page, admin.email, TEST_PASSWORD);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    for (const [path, labels] of [
      ['/admin/users', ['Почта', 'Роль', 'Состояние']],
      ['/admin/territories', ['Порядок', 'Вид', 'Действует', 'Организаций']],
      ['/reference/organizations', ['Территория', 'Тип']],
    ] as const) {
      await page.goto(`${t.url}${path}`);
      // evaluated in the page (the test's TypeScript has no DOM types): the first row's card
      const card = await page.evaluate<{ order: string[]; leadWidth: number; rowWidth: number; labels: string[] }>(`(() => {
        const tr = document.querySelector('table.admin-table tbody tr');
        const cells = [...tr.querySelectorAll('td')].filter((td) => getComputedStyle(td).display !== 'none');
        const order = cells.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map((td) => td.className || 'value');
        const labels = cells.map((td) => getComputedStyle(td, '::before').content).filter((c) => c !== 'none');
        return { order, leadWidth: tr.querySelector('td.lead').getBoundingClientRect().width, rowWidth: tr.getBoundingClientRect().width, labels };
      })()`);
      expect([path, card.order[0], card.leadWidth >= card.rowWidth - 2]).toEqual([path, 'lead', true]);
      for (const label of labels) expect([path, card.labels]).toEqual([path, expect.arrayContaining([`"${label}: "`])]);
      expect([path, await noSidewaysScroll(page)]).toEqual([path, true]);
    }
  });
});
