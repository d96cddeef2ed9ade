import { Role } from '../../src/accounts/entities/user.entity';
import { createUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

describe('queue dashboard at /admin/queues (bull-board), administrators only', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
  });
  afterAll(() => t.close());

  it('an admin gets the board and its API listing every queue', async () => {
    const admin = await createUser(t.app, t.url, Role.Admin);
    const page = await api.get('/admin/queues', { token: admin.token, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    const script = /<script defer src="(static\/js\/main\.[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script).toBeDefined();
    const asset = await api.get(`/admin/queues/${script}`, { token: admin.token });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    const queues = await api.get('/admin/queues/api/queues', { token: admin.token });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['aggregation', 'mail', 'reports', 'scheduler']);
  });

  it('the board speaks Russian: its page, the queues by their Russian names, no font from Google, a way back', async () => {
    const admin = await createUser(t.app, t.url, Role.Admin);
    const page = await api.get('/admin/queues/queue/mail', { token: admin.token, headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="ru"');
    expect(page.text).not.toContain('fonts.googleapis.com');
    expect(page.text).toContain('<script defer src="accessible-names.js"></script></head>');
    const config = JSON.parse(/<script id="__UI_CONFIG__" type="application\/json">([^<]*)<\/script>/.exec(page.text)![1]);
    expect(config).toEqual(
      expect.objectContaining({
        boardTitle: 'Очереди',
        locale: { lng: 'ru-RU' },
        hideDocsLink: true,
        miscLinks: [{ text: 'Работа системы', url: '/admin/operations' }],
      }),
    );
    const names = await api.get('/admin/queues/accessible-names.js', { token: admin.token });
    expect(names.status).toBe(200);
    expect(names.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(names.text).toContain('"settings":"Настройки"');
    expect((await api.get('/admin/queues/accessible-names.js')).status).toBe(401);

    const queues = await api.get('/admin/queues/api/queues', { token: admin.token });
    const shown = queues.body.queues.map((q: { name: string; displayName: string; description: string }) => [q.name, q.displayName]);
    expect(shown.sort()).toEqual([
      ['aggregation', 'Подсчёт результатов'],
      ['mail', 'Почта'],
      ['reports', 'Отчёты'],
      ['scheduler', 'Расписание этапов'],
    ]);
  });

  it('the admin session cookie works too; a cross-site action with it is refused', async () => {
    const admin = await createUser(t.app, t.url, Role.Admin);
    const cookie = `sid=${admin.token}`;
    expect((await api.get('/admin/queues/api/queues', { cookie })).status).toBe(200);
    const forged = await api.put('/admin/queues/api/queues/mail/pause', undefined, { cookie, headers: { origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect(forged.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Запрос отправлен не с этого сайта', code: 'FORBIDDEN' });
  });

  it('an organizer gets 403, an anonymous caller 401 (a browser is sent to the login page)', async () => {
    const organizer = await createUser(t.app, t.url, Role.Organizer);
    const forbidden = await api.get('/admin/queues/api/queues', { token: organizer.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Недостаточно прав', code: 'FORBIDDEN' });
    expect((await api.get('/admin/queues', { token: organizer.token })).status).toBe(403);

    const anonymous = await api.get('/admin/queues/api/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Требуется вход в систему',
      code: 'UNAUTHENTICATED',
    });
    expect((await api.get('/admin/queues/static/js/nothing.js')).status).toBe(401);
    const browser = await api.get('/admin/queues', { headers: { accept: 'text/html' } });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/login?next=%2Fadmin%2Fqueues');
    expect((await api.get('/admin/queues/api/queues', { token: 'not-a-session' })).status).toBe(401);
  });
});
