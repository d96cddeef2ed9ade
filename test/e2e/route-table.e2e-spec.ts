import { Role } from '../../src/accounts/entities/user.entity';
import { createUser, TestUser } from '../factories/users.factory';
import { startApp, TestApp } from '../setup/app';
import { client } from '../setup/http';
import { isPage, registeredRoutes, RouteInfo } from '../setup/routes';

/** Routes that must be behind a login and a role (issue 3); new routes under these prefixes are picked up automatically. */
const PROTECTED_PREFIXES = ['/api/v1/campaigns', '/api/v1/audit', '/api/v1/organizations', '/api/v1/experts', '/organizer/', '/admin/'];
/** Deliberately public: anyone may apply to the expert registry. */
const PUBLIC_EXCEPTIONS = new Set(['POST /api/v1/experts/applications']);

const sample = (path: string) =>
  path.replace(/:([A-Za-z]+)/g, (_m, name: string) => (name === 'number' ? '1' : '00000000-0000-4000-8000-000000000000'));

describe('route table: every organizer and admin route checks login and role', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let organizer: TestUser;
  let expert: TestUser;
  let admin: TestUser;
  let routes: RouteInfo[];

  beforeAll(async () => {
    t = await startApp();
    api = client(t.url);
    organizer = await createUser(t.app, t.url, Role.Organizer);
    expert = await createUser(t.app, t.url, Role.Expert);
    admin = await createUser(t.app, t.url, Role.Admin);
    routes = registeredRoutes(t).filter(
      (r) => PROTECTED_PREFIXES.some((p) => r.path.startsWith(p)) && !PUBLIC_EXCEPTIONS.has(`${r.method} ${r.path}`),
    );
  });
  afterAll(() => t.close());

  it('finds the routes (and they are really served by Fastify)', () => {
    const fastify = t.app.getHttpAdapter().getInstance();
    expect(routes.length).toBeGreaterThanOrEqual(20);
    for (const r of routes)
      expect([r.method, r.path, fastify.hasRoute({ method: r.method, url: r.path })]).toEqual([r.method, r.path, true]);
    const paths = routes.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'POST /api/v1/campaigns/:id/transitions',
        'GET /api/v1/audit',
        'GET /organizer/campaigns/:id',
        'POST /organizer/campaigns/:id/documents',
        'GET /admin/audit',
      ]),
    );
  });

  it('no protected route is public, and each names its roles', () => {
    for (const r of routes) {
      expect([r.method, r.path, r.isPublic]).toEqual([r.method, r.path, false]);
      expect([r.method, r.path, Array.isArray(r.roles) && r.roles.length > 0]).toEqual([r.method, r.path, true]);
      expect([r.method, r.path, r.roles!.includes(Role.Expert)]).toEqual([r.method, r.path, false]);
    }
  });

  it('anonymous → 401 (pages: 303 to /login); expert → 403; organizer → 403 only on admin-only routes; admin passes', async () => {
    const failures: string[] = [];
    for (const r of routes) {
      const url = sample(r.path);
      const headers: Record<string, string> = isPage(r.path) ? { accept: 'text/html' } : {};
      const label = `${r.method} ${r.path}`;

      const anon = await api.request(r.method, url, { headers });
      if (isPage(r.path)) {
        if (anon.status !== 303 || !String(anon.headers.get('location')).startsWith('/login'))
          failures.push(`${label} anonymous: ${anon.status}`);
      } else if (anon.status !== 401) failures.push(`${label} anonymous: ${anon.status}`);

      const asExpert = await api.request(r.method, url, { headers, token: expert.token });
      if (asExpert.status !== 403) failures.push(`${label} expert: ${asExpert.status}`);

      const asOrganizer = await api.request(r.method, url, { headers, token: organizer.token });
      const organizerAllowed = r.roles!.includes(Role.Organizer);
      if (organizerAllowed ? [401, 403].includes(asOrganizer.status) : asOrganizer.status !== 403) {
        failures.push(`${label} organizer: ${asOrganizer.status}`);
      }
      if (asOrganizer.status >= 500) failures.push(`${label} organizer: ${asOrganizer.status}`);

      const asAdmin = await api.request(r.method, url, { headers, token: admin.token });
      if (r.roles!.includes(Role.Admin) ? [401, 403].includes(asAdmin.status) || asAdmin.status >= 500 : asAdmin.status !== 403) {
        failures.push(`${label} admin: ${asAdmin.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('cookie sessions need the CSRF token on organizer forms', async () => {
    const login = await api.request('POST', '/login', { form: { email: organizer.email, password: 'correct-horse-battery' } });
    const cookie = String(login.headers.get('set-cookie')).split(';')[0];
    const res = await api.request('POST', '/organizer/campaigns', { cookie, form: { title: 'Без токена' } });
    expect(res.status).toBe(403);
  });
});
