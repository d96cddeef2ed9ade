import { randomUUID } from 'node:crypto';
import { createCampaign, FactoryCampaign, referenceIds, ReferenceIds, validSubmission } from '../factories/campaign.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

const RECEIPT = /^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

describe('public discussion API: submissions', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let c: FactoryCampaign;
  let ref: ReferenceIds;

  // a fresh user agent per request by default: these tests are many clients, not one client hammering (see the rate-limit test)
  const submit = (body: unknown, key: string | null = randomUUID(), slug = c.slug, ua = `jest-${randomUUID()}`) =>
    api.post(`/api/v1/public/campaigns/${slug}/responses`, body, {
      headers: { ...(key === null ? {} : { 'idempotency-key': key }), 'user-agent': ua },
    });
  const countByKey = async (key: string) =>
    Number(
      (await t.dataSource.query(`SELECT count(*) AS n FROM responses WHERE campaign_id = $1 AND idempotency_key = $2`, [c.id, key]))[0].n,
    );
  // the stable code clients branch on; the discussion's 409 is always the closed stage
  const CODES: Record<number, string> = {
    400: 'VALIDATION_FAILED',
    404: 'NOT_FOUND',
    409: 'STAGE_CLOSED',
    413: 'PAYLOAD_TOO_LARGE',
    422: 'UNPROCESSABLE',
    429: 'RATE_LIMITED',
  };
  const bad = (status: number, message: string | string[], code = CODES[status]) => ({
    statusCode: status,
    error: {
      400: 'Bad Request',
      404: 'Not Found',
      409: 'Conflict',
      413: 'Payload Too Large',
      422: 'Unprocessable Entity',
      429: 'Too Many Requests',
    }[status],
    message,
    code,
  });

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    ref = await referenceIds(t.dataSource);
    c = await createCampaign(t.dataSource, { documents: 2, generalQuestions: true });
  });
  afterAll(() => t.close());

  // questions: [doc1: multi, scale, text][doc2: multi, scale, text][general: single, text]
  const q = (i: number) => c.questions[i];

  it('GET shows the campaign, its documents with download links and the questionnaire', async () => {
    const res = await api.get(`/api/v1/public/campaigns/${c.slug}`);
    expect(res.status).toBe(200);
    expect(res.body.title).toBe(c.title);
    expect(res.body.status).toBe('discussion');
    expect(res.body.closesAt).toBeNull();
    expect(res.body.documents).toEqual(c.documents.map((d) => ({ id: d.id, title: d.title, fileUrl: `/files/documents/${d.id}` })));
    expect(res.body.questions).toHaveLength(8);
    expect(res.body.questions[0]).toEqual({
      id: q(0).id,
      documentId: c.documents[0].id,
      kind: 'multi',
      text: q(0).text,
      required: true,
      options: q(0).options,
      scale: null,
      maxLength: null,
    });
    expect(res.body.questions[1].scale).toEqual({ min: 1, max: 5, minLabel: 'совсем не поддерживаю', maxLabel: 'полностью поддерживаю' });
    expect(res.body.questions[7]).toMatchObject({ documentId: null, kind: 'text', required: false, maxLength: 200 });
  });

  it('GET of an unknown slug or a draft is 404', async () => {
    expect((await api.get('/api/v1/public/campaigns/no-such-campaign')).body).toEqual(bad(404, 'Обсуждение не найдено'));
    const draft = await createCampaign(t.dataSource, { status: 'draft' });
    expect((await api.get(`/api/v1/public/campaigns/${draft.slug}`)).status).toBe(404);
  });

  it('stores a valid submission once, with normalized answers, and answers 201 with a receipt', async () => {
    const key = randomUUID();
    const body = validSubmission(c, ref);
    body.answers[0] = { questionId: q(0).id, optionIds: [q(0).options[0].id, q(0).options[2].id] };
    body.profile = { ...body.profile, organizationId: ref.organizationId, organizationName: '  Школа № 1  ' } as typeof body.profile;
    const res = await submit(body, key);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['receipt']);
    expect(res.body.receipt).toMatch(RECEIPT);
    const [row] = await t.dataSource.query(`SELECT * FROM responses WHERE receipt = $1`, [res.body.receipt]);
    expect(row).toMatchObject({
      campaign_id: c.id,
      idempotency_key: key,
      territory_id: ref.territoryId,
      organization_type: 'school',
      position: 'teacher',
      organization_id: ref.organizationId,
      organization_name: 'Школа № 1',
      suspected_duplicate: false,
      excluded: false,
    });
    expect(row.client_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain('127.0.0.1');
    const answers = await t.dataSource.query(
      `SELECT question_id, option_id, value, text FROM response_answers WHERE response_id = $1 ORDER BY id`,
      [row.id],
    );
    // 2 options of q0 + scale + text for doc 1; option + scale + text for doc 2; general single + text
    expect(answers).toHaveLength(9);
    expect(
      answers
        .filter((a: { question_id: string }) => a.question_id === q(0).id)
        .map((a: { option_id: string }) => a.option_id)
        .sort(),
    ).toEqual([q(0).options[0].id, q(0).options[2].id].sort());
    expect(answers.find((a: { question_id: string }) => a.question_id === q(1).id)).toEqual({
      question_id: q(1).id,
      option_id: null,
      value: 5,
      text: null,
    });
  });

  it('the same key and body again answers 200 with the first receipt and stores nothing twice', async () => {
    const key = randomUUID();
    const body = validSubmission(c, ref);
    const first = await submit(body, key);
    expect(first.status).toBe(201);
    // same content, answers listed in another order: the canonical body is the same
    const again = await submit({ ...body, answers: [...body.answers].reverse() }, key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ receipt: first.body.receipt });
    expect(await countByKey(key)).toBe(1);
  });

  it('the same key with another body is 422 and stores nothing', async () => {
    const key = randomUUID();
    expect((await submit(validSubmission(c, ref), key)).status).toBe(201);
    const other = await submit(validSubmission(c, ref, 'Другой текст'), key);
    expect(other.status).toBe(422);
    expect(other.body).toEqual(bad(422, 'Idempotency-Key: этот ключ уже использован для другой анкеты', 'IDEMPOTENCY_MISMATCH'));
    expect(await countByKey(key)).toBe(1);
  });

  it('concurrent duplicates with one key store one row and all get the same receipt', async () => {
    const key = randomUUID();
    const body = validSubmission(c, ref);
    const results = await Promise.all(Array.from({ length: 25 }, () => submit(body, key)));
    expect(results.map((r) => r.status).sort()).toEqual([...Array(24).fill(200), 201]);
    expect(new Set(results.map((r) => r.body.receipt)).size).toBe(1);
    expect(await countByKey(key)).toBe(1);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM response_answers a JOIN responses r ON r.id = a.response_id WHERE r.idempotency_key = $1`,
      [key],
    );
    expect(n).toBe(8);
  });

  it('many different concurrent submissions are each stored exactly once (group commit)', async () => {
    const keys = Array.from({ length: 60 }, () => randomUUID());
    const results = await Promise.all(keys.map((k, i) => submit(validSubmission(c, ref, `Замечание ${i}`), k)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.receipt)).size).toBe(60);
    const rows = await t.dataSource.query(`SELECT idempotency_key, receipt FROM responses WHERE idempotency_key = ANY($1)`, [keys]);
    expect(rows).toHaveLength(60);
    const byKey = new Map(rows.map((r: { idempotency_key: string; receipt: string }) => [r.idempotency_key, r.receipt]));
    keys.forEach((k, i) => expect(byKey.get(k)).toBe(results[i].body.receipt));
  });

  it('requires the Idempotency-Key header (1..100 characters)', async () => {
    const message = 'Idempotency-Key: обязательный заголовок длиной от 1 до 100 символов';
    expect((await submit(validSubmission(c, ref), null)).body).toEqual(bad(400, message));
    expect((await submit(validSubmission(c, ref), 'k'.repeat(101))).body).toEqual(bad(400, message));
    const max = 'k'.repeat(100);
    expect((await submit(validSubmission(c, ref), max)).status).toBe(201);
  });

  it('unknown slug is 404; a campaign outside discussion or past its deadline is 409 (database clock)', async () => {
    expect((await submit(validSubmission(c, ref), randomUUID(), 'no-such-campaign')).body).toEqual(bad(404, 'Обсуждение не найдено'));
    const revision = await createCampaign(t.dataSource, { status: 'revision' });
    const r1 = await submit(validSubmission(revision, ref), randomUUID(), revision.slug);
    expect(r1.body).toEqual(bad(409, 'Обсуждение сейчас не принимает ответы'));
    const late = await createCampaign(t.dataSource, { closesAt: new Date(Date.now() + 60 * 60_000) });
    expect((await submit(validSubmission(late, ref), randomUUID(), late.slug)).status).toBe(201);
    // the deadline passes (moved into the past in the database): the write itself refuses
    await t.dataSource.query(`UPDATE campaigns SET discussion_closes_at = now() - interval '1 second' WHERE id = $1`, [late.id]);
    const key = randomUUID();
    const r2 = await submit(validSubmission(late, ref), key, late.slug);
    expect(r2.body).toEqual(bad(409, 'Обсуждение сейчас не принимает ответы'));
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM responses WHERE idempotency_key = $1`, [key]))[0].n)).toBe(0);
  });

  it('a stage closing while submissions are in flight: every acknowledged one is stored, every refused one is not', async () => {
    const camp = await createCampaign(t.dataSource);
    const keys = Array.from({ length: 80 }, () => randomUUID());
    const pending = keys.map((k, i) => submit(validSubmission(camp, ref, `Ответ ${i}`), k, camp.slug));
    // the organizer closes the stage meanwhile (the campaigns service does the same UPDATE in its transition)
    await new Promise((r) => setTimeout(r, 5));
    await t.dataSource.query(`UPDATE campaigns SET status = 'revision', updated_at = now() WHERE id = $1`, [camp.id]);
    const results = await Promise.all(pending);
    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const stored = new Set(
      (await t.dataSource.query(`SELECT idempotency_key FROM responses WHERE campaign_id = $1`, [camp.id])).map(
        (r: { idempotency_key: string }) => r.idempotency_key,
      ),
    );
    keys.forEach((k, i) => expect(stored.has(k)).toBe(results[i].status === 201));
    // after the transition committed nothing more gets in
    expect((await submit(validSubmission(camp, ref), randomUUID(), camp.slug)).status).toBe(409);
  });

  it('refuses unknown territory, codes and organization with 400 naming each field', async () => {
    const body = validSubmission(c, ref);
    const res = await submit({
      ...body,
      profile: { territoryId: randomUUID(), organizationType: 'nope', position: 'astronaut', organizationId: randomUUID() },
    });
    expect(res.body).toEqual(
      bad(400, [
        'profile.territoryId: неизвестная территория',
        'profile.organizationType: неизвестный тип организации',
        'profile.position: неизвестная должность',
        'profile.organizationId: неизвестная организация',
      ]),
    );
    const missing = await submit({ ...body, profile: {} });
    expect(missing.body).toEqual(
      bad(400, [
        'profile.territoryId: укажите территорию',
        'profile.organizationType: укажите тип организации',
        'profile.position: укажите должность',
      ]),
    );
  });

  it('refuses an inactive territory', async () => {
    const [{ id }] = await t.dataSource.query(
      `INSERT INTO territories (name, kind, active, sort_order) VALUES ($1, 'municipal_district', false, 999) RETURNING id`,
      [`Неактивный ${randomUUID()}`],
    );
    try {
      const body = validSubmission(c, ref);
      const res = await submit({ ...body, profile: { ...body.profile, territoryId: id } });
      expect(res.body).toEqual(bad(400, ['profile.territoryId: неизвестная территория']));
    } finally {
      await t.dataSource.query(`DELETE FROM territories WHERE id = $1`, [id]);
    }
  });

  it('requires every required question', async () => {
    const body = validSubmission(c, ref);
    const res = await submit({ ...body, answers: body.answers.filter((a) => a.questionId !== q(1).id && a.questionId !== q(6).id) });
    expect(res.body).toEqual(
      bad(400, [`answers: нет ответа на обязательный вопрос ${q(1).id}`, `answers: нет ответа на обязательный вопрос ${q(6).id}`]),
    );
    // an empty choice counts as no answer
    const empty = validSubmission(c, ref);
    empty.answers[0] = { questionId: q(0).id, optionIds: [] };
    expect((await submit(empty)).body).toEqual(bad(400, [`answers: нет ответа на обязательный вопрос ${q(0).id}`]));
    // optional questions may be left out
    expect(
      (await submit({ ...body, answers: body.answers.filter((a) => a.questionId !== q(2).id && a.questionId !== q(7).id) })).status,
    ).toBe(201);
  });

  it('options must belong to their question (422), an exclusive option stands alone (422), single takes one (422)', async () => {
    const body = validSubmission(c, ref);
    body.answers[0] = { questionId: q(0).id, optionIds: [q(6).options[0].id] };
    expect((await submit(body)).body).toEqual(bad(422, ['answers[0].optionIds[0]: вариант не относится к этому вопросу']));

    const exclusive = q(0).options.find((o) => o.exclusive)!;
    body.answers[0] = { questionId: q(0).id, optionIds: [q(0).options[0].id, exclusive.id] };
    expect((await submit(body)).body).toEqual(bad(422, ['answers[0].optionIds: этот вариант выбирается только отдельно от остальных']));

    body.answers[0] = { questionId: q(0).id, optionIds: [exclusive.id] };
    body.answers[6] = { questionId: q(6).id, optionIds: [q(6).options[0].id, q(6).options[1].id] };
    expect((await submit(body)).body).toEqual(bad(422, ['answers[6].optionIds: можно выбрать только один вариант']));

    body.answers[6] = { questionId: q(6).id, optionIds: [q(6).options[1].id] };
    expect((await submit(body)).status).toBe(201);
  });

  it('keeps scales within bounds and integers, texts within their length and free of NUL bytes', async () => {
    const body = validSubmission(c, ref);
    const cases: [unknown, string][] = [
      [{ questionId: q(1).id, value: 6 }, 'answers[1].value: значение должно быть от 1 до 5'],
      [{ questionId: q(1).id, value: 0 }, 'answers[1].value: значение должно быть от 1 до 5'],
      [{ questionId: q(1).id, value: 2.5 }, 'answers[1].value: ожидается целое число'],
      [{ questionId: q(1).id, value: 1e300 }, 'answers[1].value: ожидается целое число'],
      [{ questionId: q(1).id, value: '3' }, 'answers[1].value: ожидается целое число'],
    ];
    for (const [answer, message] of cases) {
      const res = await submit({ ...body, answers: body.answers.map((a, i) => (i === 1 ? answer : a)) });
      expect(res.body).toEqual(bad(400, [message]));
    }
    const texts: [unknown, string][] = [
      [{ questionId: q(2).id, text: 'я'.repeat(4001) }, 'answers[2].text: не длиннее 4000 символов'],
      [{ questionId: q(2).id, text: 'a\u0000b' }, 'answers[2].text: недопустимый символ'],
      [{ questionId: q(2).id, text: 42 }, 'answers[2].text: ожидается строка'],
    ];
    for (const [answer, message] of texts) {
      const res = await submit({ ...body, answers: body.answers.map((a, i) => (i === 2 ? answer : a)) });
      expect(res.body).toEqual(bad(400, [message]));
    }
    const general = await submit({
      ...body,
      answers: body.answers.map((a, i) => (i === 7 ? { questionId: q(7).id, text: 'x'.repeat(201) } : a)),
    });
    expect(general.body).toEqual(bad(400, ['answers[7].text: не длиннее 200 символов']));
    expect(
      (await submit({ ...body, answers: body.answers.map((a, i) => (i === 2 ? { questionId: q(2).id, text: 'я'.repeat(4000) } : a)) }))
        .status,
    ).toBe(201);
  });

  it('refuses unknown fields at every level, wrong types, unknown and repeated questions', async () => {
    const body = validSubmission(c, ref);
    const res = await submit({
      ...body,
      extra: 1,
      profile: { ...body.profile, ip: '1.2.3.4' },
      answers: [{ ...body.answers[0], note: 'x' }, ...body.answers.slice(1)],
    });
    expect(res.body).toEqual(bad(400, ['extra: неизвестное поле', 'profile.ip: неизвестное поле', 'answers[0].note: неизвестное поле']));

    const types = await submit({
      ...body,
      answers: body.answers.map((a, i) =>
        i === 0 ? { questionId: q(0).id, optionIds: 'x' } : i === 1 ? { questionId: q(1).id, text: 'пять' } : a,
      ),
    });
    expect(types.body).toEqual(
      bad(400, [
        'answers[0].optionIds: ожидается массив идентификаторов вариантов',
        'answers[1].text: не допускается для вопроса этого типа',
      ]),
    );

    const unknown = await submit({ ...body, answers: [...body.answers.slice(0, 7), { questionId: randomUUID(), text: 'x' }] });
    expect(unknown.body).toEqual(bad(400, ['answers[7].questionId: неизвестный вопрос']));

    const repeated = await submit({ ...body, answers: [...body.answers.slice(0, 7), body.answers[0]] });
    expect(repeated.body).toEqual(bad(400, ['answers[7].questionId: повторный ответ на тот же вопрос']));

    expect((await submit({ ...body, answers: {} })).body).toEqual(bad(400, ['answers: ожидается массив ответов']));
    expect((await submit([1, 2])).body).toEqual(bad(400, ['body: ожидается объект {profile, answers}']));
  });

  it('refuses malformed JSON with 400 and a body over the limit with 413, in the API error shape', async () => {
    const malformed = await api.post(`/api/v1/public/campaigns/${c.slug}/responses`, '{"profile":', {
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.statusCode).toBe(400);
    const huge = validSubmission(c, ref, 'я'.repeat(200_000));
    const res = await submit(huge);
    expect(res.status).toBe(413);
    expect(res.body).toEqual(bad(413, 'Слишком большой запрос'));
  });

  it('stores nothing partial on any error', async () => {
    const keys: string[] = [];
    for (const body of [
      { ...validSubmission(c, ref), extra: 1 },
      { ...validSubmission(c, ref), answers: [] },
    ]) {
      const key = randomUUID();
      keys.push(key);
      expect((await submit(body, key)).status).toBe(400);
    }
    expect(Number((await t.dataSource.query(`SELECT count(*) AS n FROM responses WHERE idempotency_key = ANY($1)`, [keys]))[0].n)).toBe(0);
  });

  it('flags an identical questionnaire from the same client as a suspected duplicate, and stores it anyway', async () => {
    const camp = await createCampaign(t.dataSource);
    const body = validSubmission(camp, ref, 'Одинаковый текст');
    const a = await submit(body, randomUUID(), camp.slug, 'browser-A');
    const b = await submit(body, randomUUID(), camp.slug, 'browser-A');
    const other = await submit(body, randomUUID(), camp.slug, 'browser-B');
    expect([a.status, b.status, other.status]).toEqual([201, 201, 201]);
    const rows = await t.dataSource.query(`SELECT receipt, suspected_duplicate FROM responses WHERE campaign_id = $1 ORDER BY created_at`, [
      camp.id,
    ]);
    const flag = new Map(rows.map((r: { receipt: string; suspected_duplicate: boolean }) => [r.receipt, r.suspected_duplicate]));
    expect([flag.get(a.body.receipt), flag.get(b.body.receipt), flag.get(other.body.receipt)]).toEqual([false, true, false]);
  });

  it('rate-limits one client softly (429 in Russian) while another client behind the same address goes on', async () => {
    const ua = `rate-limit-${randomUUID()}`;
    const statuses: number[] = [];
    // counters are per clock minute: start well inside one
    if (Date.now() % 60_000 > 50_000) await new Promise((r) => setTimeout(r, 60_500 - (Date.now() % 60_000)));
    for (let i = 0; i < 60; i++) statuses.push((await submit({}, randomUUID(), c.slug, ua)).status);
    expect(statuses.every((s) => s === 400)).toBe(true);
    const limited = await submit({}, randomUUID(), c.slug, ua);
    expect(limited.body).toEqual(bad(429, 'Слишком много отправок с этого устройства. Подождите минуту и попробуйте снова.'));
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await submit(validSubmission(c, ref), randomUUID(), c.slug, `${ua}-colleague`)).status).toBe(201);
  });
});
