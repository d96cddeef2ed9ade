import type { INestApplicationContext } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import Handlebars from 'handlebars';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/accounts/entities/user.entity';
import { MailService } from '../../src/mail/mail.service';
import { createExpert, TestExpert } from '../factories/expertise.factory';
import { createUser, TestUser } from '../factories/users.factory';
import { startApp, startWorker, TestApp, waitFor } from '../setup/app';
import { client } from '../setup/http';
import { buildHostileCampaign, HostileFixture, hostile, PAYLOADS, rawPayloadIn } from './hostile';

const FORMULA_START = /^[=+\-@\t\r]/;

/*
 * Issue 7, stored XSS outside the pages: emails (every template, and the real messages the application queued),
 * the PDF report (rendered by Chromium from HTML), and CSV/XLSX injection in reports and the registry export,
 * headers included (question texts become column headers). Pages are in test/browser/xss.e2e-spec.ts.
 */
describe('stored XSS and formula injection: emails, PDF, CSV and XLSX', () => {
  let t: TestApp;
  let worker: INestApplicationContext;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let expert: TestExpert;
  let fx: HostileFixture;

  beforeAll(async () => {
    t = await startApp();
    worker = await startWorker();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer);
    const [{ id: territoryId }] = await t.dataSource.query(`SELECT id FROM territories WHERE active ORDER BY sort_order LIMIT 1`);
    expert = await createExpert(t.app, t.url, t.dataSource, { territoryId });
    fx = await buildHostileCampaign(t.dataSource, expert.id);
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
  });

  async function report(kind: string, format: string): Promise<Buffer> {
    const created = await api.post(`/api/v1/campaigns/${fx.campaignId}/reports`, { kind, format }, { token: organizer.token });
    expect(created.status).toBe(202);
    await waitFor(
      async () => (await api.get(`/api/v1/reports/${created.body.id}`, { token: organizer.token })).body.status === 'ready',
      60_000,
      `${kind} ${format} report`,
    );
    const file = await fetch(`${t.url}/api/v1/reports/${created.body.id}/file`, {
      headers: { authorization: `Bearer ${organizer.token}` },
    });
    expect(file.status).toBe(200);
    return Buffer.from(await file.arrayBuffer());
  }

  async function xlsxCells(buf: Buffer): Promise<string[]> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          const v = cell.value as unknown;
          if (typeof v === 'string') cells.push(v);
          else if (v && typeof v === 'object' && 'richText' in v)
            cells.push((v as { richText: { text: string }[] }).richText.map((r) => r.text).join(''));
          else if (v && typeof v === 'object' && 'formula' in v) cells.push(`=${(v as { formula: string }).formula}`);
        }),
      ),
    );
    return cells;
  }

  it('every email template escapes hostile values in its HTML part', () => {
    const mail = t.app.get(MailService);
    const dir = join(__dirname, '../../templates/emails');
    const templates = [...new Set(readdirSync(dir).map((f) => f.replace(/\.(subject|html|text)\.hbs$/, '')))];
    expect(templates.length).toBeGreaterThanOrEqual(10);
    for (const name of templates) {
      const source = readFileSync(join(dir, `${name}.html.hbs`), 'utf8');
      // every variable the template prints, set to a hostile value (paths and lists keep a harmless shape)
      const context: Record<string, unknown> = {};
      for (const [, v] of source.matchAll(/\{\{\{?\s*([A-Za-z][\w.]*)\s*\}?\}\}/g)) {
        const key = v.split('.')[0];
        if (['appUrl', 'else', 'this'].includes(key)) continue;
        context[key] = /Path$|Url$/.test(key) ? `/x?next=${PAYLOADS[0]}` : PAYLOADS[Object.keys(context).length % PAYLOADS.length];
      }
      const { html } = mail.render(name, context);
      expect([name, rawPayloadIn(html)]).toEqual([name, undefined]);
      expect([name, /href="javascript:/i.test(html)]).toEqual([name, false]);
    }
  });

  it('the messages the application queues (expert application confirmation, reminder) carry escaped text only', async () => {
    const [{ code }] = await t.dataSource.query(`SELECT code FROM directions ORDER BY sort_order LIMIT 1`);
    const email = `xss-${Date.now()}@example.org`;
    const fullName = hostile('applicant', 0);
    const res = await api.post('/api/v1/experts/applications', {
      consent: true,
      email,
      password: 'long-enough-password',
      fullName,
      territoryId: fx.territories[0].id,
      organizationName: hostile('applicant organization', 1),
      position: hostile('applicant position', 2),
      competences: [code],
      about: hostile('applicant about', 3),
    });
    expect(res.status).toBe(201);
    // a manual reminder of the hostile expert's assignment (campaign and document titles are hostile)
    await t.dataSource.query(`UPDATE campaigns SET status = 'expertise' WHERE id = $1`, [fx.campaignId]);
    const remind = await api.post(
      `/api/v1/campaigns/${fx.campaignId}/assignments/${fx.assignmentId}/remind`,
      {},
      { token: organizer.token },
    );
    await t.dataSource.query(`UPDATE campaigns SET status = 'discussion' WHERE id = $1`, [fx.campaignId]);
    expect(remind.status).toBeLessThan(300);
    const rows: { template: string; context: Record<string, unknown> }[] = await t.dataSource.query(
      `SELECT template, context FROM mail_messages WHERE to_address = ANY($1::text[]) ORDER BY created_at`,
      [[email, expert.email]],
    );
    expect(rows.map((r) => r.template).sort()).toEqual(['expert-confirmation', 'expert-manual-reminder']);
    const mail = t.app.get(MailService);
    for (const row of rows) {
      const { html, subject } = mail.render(row.template, row.context);
      expect([row.template, rawPayloadIn(html)]).toEqual([row.template, undefined]);
      const shown = row.template === 'expert-confirmation' ? fullName : fx.texts['campaign title'];
      expect([row.template, html.includes(Handlebars.escapeExpression(shown).trim())]).toEqual([row.template, true]);
      expect(subject).not.toContain('&lt;');
    }
  });

  it('the PDF report (HTML rendered by Chromium) shows hostile text literally', async () => {
    const pdf = await report('full', 'pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const path = join(tmpdir(), `xss-${process.pid}.pdf`);
    writeFileSync(path, pdf);
    const text = execFileSync('pdftotext', ['-layout', path, '-']).toString('utf8').replace(/\s+/g, ' ');
    expect(text).toContain('<script>window.__xss=1</script> [campaign title]');
    expect(text).toContain('[document title]');
  });

  it('CSV and XLSX reports: no cell, header or value, starts a formula; hostile values get one leading apostrophe', async () => {
    const csv = await report('discussion', 'csv');
    const rows: string[][] = parse(csv.subarray(3).toString('utf8'), { delimiter: ';', relax_column_count: true });
    const csvCells = rows.flat();
    const xlsx = await xlsxCells(await report('full', 'xlsx'));
    for (const [name, cells] of [
      ['csv', csvCells],
      ['xlsx', xlsx],
    ] as const) {
      const bad = cells.filter((c) => FORMULA_START.test(c));
      expect([name, bad]).toEqual([name, []]);
    }
    // question texts are CSV column headers; a text answer and an organization name are values
    for (const field of ['question text', 'text question', 'text answer', 'organization name']) {
      expect([field, csvCells.some((c) => c.includes(fx.texts[field]) && c.startsWith(`'`))]).toEqual([field, true]);
    }
    for (const field of ['campaign title', 'question text', 'criterion text']) {
      // XML stores a carriage return as a line feed
      const value = fx.texts[field].replace(/\r/g, '\n');
      expect([field, xlsx.some((c) => c.replace(/\r/g, '\n').includes(value) && c.startsWith(`'`))]).toEqual([field, true]);
    }
  });

  it('the expert registry XLSX export neutralizes the expert-typed fields', async () => {
    const res = await fetch(`${t.url}/api/v1/experts/export.xlsx`, { headers: { authorization: `Bearer ${organizer.token}` } });
    expect(res.status).toBe(200);
    const cells = await xlsxCells(Buffer.from(await res.arrayBuffer()));
    expect(cells.filter((c) => FORMULA_START.test(c))).toEqual([]);
    for (const field of ['expert full name', 'expert organization', 'expert position']) {
      expect([field, cells.map((c) => c.replace(/\r/g, '\n')).includes(`'${fx.texts[field].replace(/\r/g, '\n')}`)]).toEqual([field, true]);
    }
  });
});
