import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Role } from '../../src/accounts/entities/user.entity';
import { DemoPasswordError } from '../../src/accounts/demo-passwords';
import { PasswordService } from '../../src/accounts/password.service';
import { SessionService } from '../../src/accounts/session.service';
import { UsersService } from '../../src/accounts/users.service';
import { createApp } from '../../src/app.factory';
import { runCli } from '../../src/cli/cli-runner';
import { disableDemoAccounts } from '../../src/cli/demo-disable';
import { DEMO_LOGINS } from '../../src/cli/demo-logins';
import { startApp, TestApp } from '../setup/app';

/*
 * Issue 11, finding 3: `docker compose up` ran in production mode with placeholder secrets and the demo users. Now
 * compose refuses to start without real secrets and seeds demo data only in its `demo` profile, and production
 * refuses to start while a demo account still has its published password.
 */
describe('production refuses the demo passwords; docker compose refuses the placeholders', () => {
  let t: TestApp;
  const saved = { ...process.env };
  const production = () =>
    Object.assign(process.env, {
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-real-session-secret-of-at-least-32-chars',
      RESPONSE_SALT: 'a-real-response-salt-of-at-least-32-chars',
    });
  const restore = () => {
    for (const key of ['NODE_ENV', 'SESSION_SECRET', 'RESPONSE_SALT']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  };

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    restore();
    await t.close();
  });
  afterEach(restore);

  it('with a demo account that still has its demo password, the production server does not start; disabled, it does', async () => {
    const admin = DEMO_LOGINS.find((l) => l.role === Role.Admin)!;
    const user = await t.app
      .get(UsersService)
      .create({ email: admin.email, password: admin.password, role: Role.Admin, fullName: admin.fullName });
    // an account somewhere at the demo domain with another demo password counts too
    const other = await t.app.get(UsersService).create({
      email: 'someone@demo.local',
      password: DEMO_LOGINS.find((l) => l.role === Role.Expert)!.password,
      role: Role.Organizer,
      fullName: 'Другой Демо',
    });
    const { token } = await t.app
      .get(SessionService)
      .create({ id: other.id, email: other.email, role: other.role, fullName: other.fullName });

    production();
    const refused = createApp({ logger: false });
    await expect(refused).rejects.toThrow(DemoPasswordError);
    await expect(refused).rejects.toThrow(
      /^Refusing to start in production: admin@demo\.local, someone@demo\.local still have the demo password published by seed:demo\./,
    );
    restore();

    // a changed password is enough for that account
    await t.dataSource.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [
      user.id,
      await t.app.get(PasswordService).hash('a-new-strong-password'),
    ]);
    production();
    await expect(createApp({ logger: false })).rejects.toThrow(/: someone@demo\.local still has the demo password/);
    restore();

    // `cli demo:disable`: deactivated, password replaced, sessions ended
    expect(await disableDemoAccounts(t.app)).toEqual(['admin@demo.local', 'someone@demo.local']);
    expect(await t.app.get(SessionService).find(token)).toBeNull();
    const rows = await t.dataSource.query(`SELECT email, active FROM users WHERE email LIKE '%@demo.local' ORDER BY email`);
    expect(rows).toEqual([
      { email: 'admin@demo.local', active: false },
      { email: 'someone@demo.local', active: false },
    ]);
    production();
    const app = await createApp({ logger: false });
    await app.close();
  });

  it('seed:demo is refused with NODE_ENV=production', async () => {
    production();
    await expect(runCli(['seed:demo'], () => undefined)).rejects.toThrow(/seed:demo: refused with NODE_ENV=production/);
  });

  it('docker-compose.yml: secrets required, ports on 127.0.0.1 by default, demo data only in the demo profile', () => {
    const compose = readFileSync(join(__dirname, '../../docker-compose.yml'), 'utf8');
    for (const secret of ['SESSION_SECRET', 'RESPONSE_SALT']) {
      const line = compose.split('\n').find((l) => l.trim().startsWith(`${secret}:`));
      expect([secret, line?.trim()]).toEqual([secret, expect.stringMatching(new RegExp(`^${secret}: \\$\\{${secret}:\\?[^}]+\\}$`))]);
    }
    const ports = compose.split('\n').filter((l) => /^\s+- '.*:\d+'$/.test(l));
    expect(ports.length).toBe(2);
    for (const p of ports) expect(p.trim()).toMatch(/^- '\$\{BIND_ADDRESS:-127\.0\.0\.1\}:\d+:\d+'$/);
    // the only service that runs seed:demo is in the demo profile
    const code = compose
      .split('\n')
      .filter((l) => !l.trimStart().startsWith('#'))
      .join('\n');
    const services = code.split(/\n(?= {2}[\w-]+:\n)/);
    const seeding = services.filter((s) => s.includes('seed:demo'));
    expect(seeding.length).toBe(1);
    expect(seeding[0]).toMatch(/^ {2}seed-demo:\n(.*\n)*? {4}profiles: \['demo'\]/);
    expect(compose).not.toMatch(/change-me/);
  });
});
