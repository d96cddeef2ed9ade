import { Role } from '../../src/accounts/entities/user.entity';
import { createUser, TEST_PASSWORD } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';

describe('foundation (HTTP app against real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
  });
  afterAll(() => t.close());

  it('GET /health answers 200 with postgres and redis up', async () => {
    const res = await api.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.postgres.status).toBe('up');
    expect(res.body.info.redis).toEqual({ status: 'up' });
  });

  it('serves the 43 territories from reference data', async () => {
    const res = await api.get('/api/v1/territories');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(43);
    const troitsk = res.body.filter((t: { name: string }) => t.name.startsWith('Троицкий'));
    expect(troitsk.map((t: { kind: string }) => t.kind).sort()).toEqual(['municipal_district', 'urban_okrug']);
    expect(res.body.filter((t: { kind: string }) => t.kind === 'urban_okrug')).toHaveLength(16);
  });

  it('serves the code lists', async () => {
    const res = await api.get('/api/v1/reference');
    expect(res.status).toBe(200);
    expect(res.body.organizationTypes).toHaveLength(8);
    expect(res.body.positions).toHaveLength(8);
    expect(res.body.directions).toHaveLength(11);
    expect(res.body.recommendations.map((r: { code: string }) => r.code)).toEqual(['approve', 'approve_with_revisions', 'reject']);
  });

  it('logs in through the API, refuses bad passwords with the API error shape', async () => {
    const user = await createUser(t.app, t.url, Role.Organizer, 'Организатор Тест');
    expect(user.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bad = await api.post('/api/v1/auth/login', { email: user.email, password: 'wrong-password' });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Неверный адрес электронной почты или пароль', code: 'UNAUTHENTICATED' });
    const good = await api.post('/api/v1/auth/login', { email: user.email.toUpperCase(), password: TEST_PASSWORD });
    expect(good.status).toBe(200);
    expect(good.body.user).toEqual({ id: user.id, email: user.email, role: 'organizer', fullName: 'Организатор Тест' });
  });

  it('rejects unknown fields and wrong types with 400 naming the field', async () => {
    const res = await api.post('/api/v1/auth/login', { email: 'a@b.cd', password: 5, extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('Bad Request');
    expect(res.body.message).toEqual(
      expect.arrayContaining(['extra: property extra should not exist', 'password: password must be a string']),
    );
  });

  it('requires login by default and checks roles', async () => {
    const expert = await createUser(t.app, t.url, Role.Expert);
    expect((await api.post('/api/v1/organizations', { name: 'x' })).status).toBe(401);
    const res = await api.post('/api/v1/organizations', { name: 'x' }, { token: expert.token });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Недостаточно прав', code: 'FORBIDDEN' });
  });

  it('throttles repeated failed logins of one account', async () => {
    const user = await createUser(t.app, t.url, Role.Organizer);
    for (let i = 0; i < 5; i++) {
      expect((await api.post('/api/v1/auth/login', { email: user.email, password: 'nope-nope' })).status).toBe(401);
    }
    const blocked = await api.post('/api/v1/auth/login', { email: user.email, password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
  });

  it('serves OpenAPI JSON', async () => {
    const res = await api.get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.paths['/api/v1/auth/login']).toBeDefined();
  });

  it('pages: login form in Russian; a protected page redirects to it', async () => {
    const page = await api.request('GET', '/login', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="ru">');
    expect(page.text).toContain('<label for="email">Адрес электронной почты</label>');
  });
});
