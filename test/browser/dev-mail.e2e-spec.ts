import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Browser } from 'playwright-core';
import type { DataSource } from 'typeorm';
import { startMailSink } from '../../scripts/mail-sink';
import { createApp } from '../../src/app.factory';
import { AppConfig } from '../../src/config/app.config';
import { DevMailService } from '../../src/dev-mail/dev-mail.service';
import { territoryIds } from '../factories/expertise.factory';
import { startWorker, waitFor } from '../setup/app';
import { launchBrowser } from '../setup/browser';
import { client } from '../setup/http';

/** A free TCP port of 127.0.0.1: APP_URL must name the app's real address before the app (and its emails) start. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * /dev/mail with the demo's own SMTP sink (scripts/mail-sink.ts): an expert applies, the confirmation email shows
 * on the page decoded, and its link, clicked in Chromium, confirms the address.
 */
describe('the demo mail page (/dev/mail) in Chromium', () => {
  let dir: string;
  let sink: { port: number; close(): Promise<void> };
  const caught: { to: string[]; subject: string }[] = [];
  let app: NestFastifyApplication;
  let url: string;
  let worker: INestApplicationContext;
  let browser: Browser;
  let dataSource: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dp-dev-mail-'));
    sink = await startMailSink(dir, '127.0.0.1', 0, (m) => caught.push(m));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    Object.assign(process.env, { DEV_MAIL_DIR: dir, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, APP_URL: url });
    app = await createApp({ logger: false });
    await app.listen(port, '127.0.0.1');
    dataSource = app.get<DataSource>(getDataSourceToken());
    worker = await startWorker();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await app?.close();
    await sink?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the expert application email decoded, and its confirmation link works when clicked', async () => {
    const email = `dev-mail-${Date.now().toString(36)}@example.org`;
    const [territoryId] = await territoryIds(dataSource);
    const res = await client(url).post('/api/v1/experts/applications', {
      email,
      password: 'long-enough-password',
      fullName: 'Петрова Анна Сергеевна',
      territoryId,
      organizationName: 'МАОУ «Лицей № 2»',
      position: 'Учитель истории',
      competences: ['knowledge'],
      consent: true,
    });
    expect(res.status).toBe(201);
    await waitFor(async () => caught.find((m) => m.to.includes(email)), 20_000, 'the confirmation email at the sink');
    // the sink reports the decoded subject (the demo's console line), not `=?UTF-8?B?…`
    expect(caught.map((m) => m.subject)).toEqual(['Подтвердите адрес электронной почты — реестр экспертов']);
    expect(readdirSync(dir)).toHaveLength(1);

    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 }, locale: 'ru-RU' });
    const page = await context.newPage();
    const response = await page.goto(`${url}/dev/mail`);
    expect(response?.status()).toBe(200);
    const article = page.locator('article.dev-mail');
    await expect(article.count()).resolves.toBe(1);
    await expect(article.locator('h2').innerText()).resolves.toBe('Подтвердите адрес электронной почты — реестр экспертов');
    await expect(article.locator('dd').first().innerText()).resolves.toBe(email);
    const text = await article.locator('pre.dev-mail-text').innerText();
    expect(text).toContain('Петрова Анна Сергеевна');
    expect(text).not.toContain('=?UTF-8?');
    // no sideways scrolling at 390 px, long link included
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);

    const link = article.locator(`a[href^="${url}/experts/confirm?token="]`);
    await expect(link.count()).resolves.toBe(1);
    await Promise.all([page.waitForURL(`${url}/experts/confirm?token=*`), link.click()]);
    await expect(page.locator('h1').innerText()).resolves.toBe('Адрес подтверждён');
    const [row] = await dataSource.query(`SELECT email_confirmed_at IS NOT NULL AS confirmed FROM users WHERE email = $1`, [email]);
    expect(row).toEqual({ confirmed: true });
    await context.close();
  });

  it('lists attachments and serves their exact bytes', async () => {
    const bytes = Buffer.from('номер;оценка\n1;5\n', 'utf8');
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'Платформа <no-reply@localhost>',
      to: 'organizer@example.org',
      subject: 'Отчёт готов',
      text: 'Отчёт во вложении.',
      attachments: [{ filename: 'отчёт.csv', content: bytes, contentType: 'text/csv' }],
    });
    transport.close();
    await waitFor(async () => caught.find((m) => m.subject === 'Отчёт готов'), 20_000, 'the report email at the sink');
    const api = client(url);
    const page = await api.get('/dev/mail', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const href = /href="(\/dev\/mail\/attachment\?name=[0-9A-Za-z-]+\.eml&amp;index=0)">отчёт\.csv<\/a> \((\d+) байт\)/.exec(page.text);
    expect(href).not.toBeNull();
    expect(Number(href![2])).toBe(bytes.length);
    const file = await fetch(url + href![1].replace('&amp;', '&'));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/csv');
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
    // a name that is not one of the sink's files never reaches the disk
    expect((await api.get('/dev/mail/attachment?name=..%2F..%2Fpackage.json&index=0')).status).toBe(404);
  });

  it('is refused (404) with DEV_MAIL=off, and never served in production', async () => {
    const config = app.get(AppConfig);
    config.DEV_MAIL = 'off';
    try {
      const res = await client(url).get('/dev/mail');
      expect([res.status, res.body.code]).toEqual([404, 'NOT_FOUND']);
    } finally {
      config.DEV_MAIL = 'on';
    }
    const production = Object.assign(new AppConfig(), { NODE_ENV: 'production', DEV_MAIL: 'on' });
    expect(new DevMailService(production).enabled()).toBe(false);
    expect(new DevMailService(Object.assign(new AppConfig(), { NODE_ENV: 'development' })).enabled()).toBe(true);
  });
});
