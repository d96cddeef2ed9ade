import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UserTokenKind } from '../../src/accounts/entities/user-token.entity';
import { issueUserToken } from '../../src/accounts/user-tokens';
import { loadConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source-options';

/**
 * Emailed links are minted when each email is sent, and mail jobs run concurrently: links minted at the same moment
 * must still leave only one usable (the repeat run found two, each minted before the other committed).
 */
describe('single-use tokens minted concurrently', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = new DataSource({ ...dataSourceOptions(loadConfig()), logging: false, extra: { max: 10 } });
    await ds.initialize();
  });
  afterAll(() => ds.destroy());

  it('eight links minted at once leave exactly one usable', async () => {
    const [{ id }] = await ds.query(
      `INSERT INTO users (email, password_hash, role, full_name) VALUES ($1, 'x', 'organizer', 'Проверка Токенов') RETURNING id`,
      [`tokens-${randomUUID()}@example.org`],
    );
    const tokens = await Promise.all(
      Array.from({ length: 8 }, () => ds.transaction((m) => issueUserToken(m, id, UserTokenKind.PasswordReset, 1))),
    );
    expect(new Set(tokens).size).toBe(8);
    const [{ live, all }] = await ds.query(
      `SELECT count(*) FILTER (WHERE used_at IS NULL)::int AS live, count(*)::int AS all FROM user_tokens WHERE user_id = $1`,
      [id],
    );
    expect({ live, all }).toEqual({ live: 1, all: 8 });
  });
});
