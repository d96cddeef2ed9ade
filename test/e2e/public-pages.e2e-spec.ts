import { randomUUID } from 'node:crypto';
import { createCampaign, FactoryCampaign, referenceIds, ReferenceIds } from '../factories/campaign.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

const RECEIPT = /^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe('public discussion pages (server-rendered, no JavaScript)', () => {
  let t: TestApp;
  let web: ReturnType<typeof client>;
  let c: FactoryCampaign;
  let ref: ReferenceIds;

  const html = (path: string) => web.get(path, { headers: { accept: 'text/html' } });
  const post = (slug: string, form: Record<string, string | string[]>) =>
    web.post(`/c/${slug}/form`, undefined, { form, headers: { accept: 'text/html', 'user-agent': `pages-${randomUUID()}` } });
  const keyOf = (page: string) => /name="key" value="([^"]+)"/.exec(page)![1];

  /** A complete form as a browser would post it. */
  const fullForm = (camp: FactoryCampaign, key: string): Record<string, string | string[]> => {
    const form: Record<string, string | string[]> = {
      key,
      territoryId: ref.territoryId,
      organizationType: 'school',
      position: 'teacher',
      organizationId: '',
      organizationName: 'МОУ СОШ № 5',
    };
    for (const q of camp.questions) {
      if (q.kind === 'multi') form[`q_${q.id}`] = [q.options[0].id, q.options[1].id];
      else if (q.kind === 'single') form[`q_${q.id}`] = q.options[0].id;
      else if (q.kind === 'scale') form[`q_${q.id}`] = '4';
      else form[`q_${q.id}`] = 'Хороший документ';
    }
    return form;
  };

  beforeAll(async () => {
    t = await startApp();
    web = client(t.url);
    ref = await referenceIds(t.dataSource);
    c = await createCampaign(t.dataSource, { documents: 2, generalQuestions: true, closesAt: new Date('2030-03-01T10:00:00Z') });
  });
  afterAll(() => t.close());

  it('/ lists the campaigns open for discussion only', async () => {
    const draft = await createCampaign(t.dataSource, { status: 'draft' });
    const revision = await createCampaign(t.dataSource, { status: 'revision' });
    const res = await html('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain(`<a href="/c/${c.slug}">${c.title}</a>`);
    expect(res.text).toContain('Приём ответов до 01.03.2030, 15:00');
    expect(res.text).not.toContain(draft.slug);
    expect(res.text).not.toContain(revision.slug);
    expect(res.text).not.toContain('<script');
  });

  it('/c/:slug shows the documents with download links, the deadline and the way in', async () => {
    const res = await html(`/c/${c.slug}`);
    expect(res.status).toBe(200);
    for (const d of c.documents) expect(res.text).toContain(`<a href="/files/documents/${d.id}">${d.title}</a>`);
    expect(res.text).toContain('Приём ответов до 01.03.2030, 15:00');
    expect(res.text).toContain(`<a class="button" href="/c/${c.slug}/form">Заполнить анкету</a>`);
    const missing = await html('/c/no-such-campaign');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('Обсуждение не найдено');
  });

  it('the form: a hidden idempotency key, a label for every input, a fieldset with a legend for every group', async () => {
    const res = await html(`/c/${c.slug}/form`);
    expect(res.status).toBe(200);
    expect(keyOf(res.text)).toMatch(/^[0-9a-f-]{36}$/);
    expect(keyOf((await html(`/c/${c.slug}/form`)).text)).not.toBe(keyOf(res.text));
    const ids = [...res.text.matchAll(/<(?:input|select|textarea)[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) expect(res.text).toContain(`<label for="${id}"`);
    expect((res.text.match(/<fieldset/g) ?? []).length).toBe((res.text.match(/<legend>/g) ?? []).length);
    // profile + 2 choice questions per document × 2 documents + the general single choice
    expect((res.text.match(/<fieldset/g) ?? []).length).toBe(1 + 4 + 1);
    // the registry is not on the page: a name field (the picker loads a territory's list) and the picker's hidden id
    expect(res.text).not.toContain('<optgroup');
    expect(res.text).toContain('<input type="hidden" name="organizationId" value="">');
    expect(res.text).toContain('Модельный документ 1');
    expect(res.text).toContain('Общие вопросы');
    expect(res.text).toContain('<legend>1. Оцените практическую значимость продукта');
    expect(res.text).not.toContain('[object Object]');
  });

  it('a failed round keeps every typed answer and names each problem next to its field; then it submits once', async () => {
    const key = keyOf((await html(`/c/${c.slug}/form`)).text);
    const form = fullForm(c, key);
    const multi = c.questions[0];
    const scale = c.questions[1];
    const exclusive = multi.options.find((o) => o.exclusive)!;
    form[`q_${multi.id}`] = [multi.options[0].id, exclusive.id];
    delete form[`q_${scale.id}`];
    form.territoryId = '';
    form[`q_${c.questions[2].id}`] = 'Мой длинный <b>ответ</b>';
    const res = await post(c.slug, form);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Анкета не отправлена. Исправьте ошибки:');
    expect(res.text).toContain('<p class="field-error" id="territoryId-error">укажите территорию</p>');
    expect(res.text).toContain(`<p class="field-error" id="q_${multi.id}-error">этот вариант выбирается только отдельно от остальных</p>`);
    expect(res.text).toContain(`<p class="field-error" id="q_${scale.id}-error">Ответьте на этот вопрос</p>`);
    expect(res.text).toContain(`aria-describedby="q_${scale.id}-error"`);
    expect(res.text).toContain('<a href="#territoryId">Территория: укажите территорию</a>');
    // kept: the key, the typed text (escaped), the chosen options and selects
    expect(keyOf(res.text)).toBe(key);
    expect(res.text).toContain('Мой длинный &lt;b&gt;ответ&lt;/b&gt;</textarea>');
    expect(res.text).toContain('value="МОУ СОШ № 5"');
    expect(res.text).toMatch(new RegExp(`value="${multi.options[0].id}" checked`));
    expect(res.text).toMatch(new RegExp(`value="${exclusive.id}" checked`));
    expect(res.text).toContain('<option value="school" selected>');
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM responses WHERE idempotency_key = $1`, [key]))[0].n)).toBe(0);

    const ok = await post(c.slug, fullForm(c, key));
    expect(ok.status).toBe(303);
    const location = ok.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/c/${c.slug}/thanks\\?receipt=R-`));
    const receipt = new URL(location, t.url).searchParams.get('receipt')!;
    expect(receipt).toMatch(RECEIPT);
    const thanks = await html(location);
    expect(thanks.status).toBe(200);
    expect(thanks.text).toContain(`Номер квитанции: <strong id="receipt">${receipt}</strong>`);

    // a second click / a reload of the POST: the same receipt, one row
    const again = await post(c.slug, fullForm(c, key));
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(location);
    const rows = await t.dataSource.query(`SELECT id, receipt, organization_name FROM responses WHERE idempotency_key = $1`, [key]);
    expect(rows).toEqual([{ id: expect.any(String), receipt, organization_name: 'МОУ СОШ № 5' }]);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM response_answers WHERE response_id = $1`, [rows[0].id]);
    // doc: 2 options + scale + text, twice; general: single + text
    expect(n).toBe(10);

    // the same form key with other answers: refused with a Russian page, nothing stored
    const changed = fullForm(c, key);
    changed[`q_${scale.id}`] = '1';
    const other = await post(c.slug, changed);
    expect(other.status).toBe(422);
    expect(other.text).toContain('Эта анкета уже была отправлена с другими ответами.');
  });

  it('a scale value that is not a number and an option of another question are named on the page', async () => {
    const key = randomUUID();
    const form = fullForm(c, key);
    form[`q_${c.questions[1].id}`] = 'abc';
    const res = await post(c.slug, form);
    expect(res.status).toBe(400);
    expect(res.text).toContain(`<p class="field-error" id="q_${c.questions[1].id}-error">ожидается целое число</p>`);
    const form2 = fullForm(c, key);
    form2[`q_${c.questions[6].id}`] = c.questions[0].options[0].id;
    const res2 = await post(c.slug, form2);
    expect(res2.status).toBe(422);
    expect(res2.text).toContain(`<p class="field-error" id="q_${c.questions[6].id}-error">вариант не относится к этому вопросу</p>`);
  });

  it('a form over the size limit gets a Russian 413 page; a closed campaign a 409 page', async () => {
    const form = fullForm(c, randomUUID());
    form[`q_${c.questions[2].id}`] = 'я'.repeat(150_000);
    const res = await post(c.slug, form);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain('Слишком большой запрос');

    const closed = await createCampaign(t.dataSource, { status: 'revision' });
    const page = await html(`/c/${closed.slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Приём ответов по этому обсуждению закрыт.');
    const formPage = await html(`/c/${closed.slug}/form`);
    expect(formPage.status).toBe(409);
    expect(formPage.text).toContain('сейчас не принимает ответы');
    const posted = await post(closed.slug, fullForm(closed, randomUUID()));
    expect(posted.status).toBe(409);
    expect(posted.text).toContain('Обсуждение сейчас не принимает ответы');
  });
});
