import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Role } from '../../src/accounts/entities/user.entity';
import { UsersService } from '../../src/accounts/users.service';
import { client } from '../setup/http';

export const TEST_PASSWORD = 'correct-horse-battery';

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  token: string;
}

/** Creates a user through the service the CLI uses, then logs in through the API. */
export async function createUser(app: INestApplicationContext, baseUrl: string, role: Role, fullName = `Тест ${role}`): Promise<TestUser> {
  const email = `${role}-${randomBytes(4).toString('hex')}@example.org`;
  const user = await app.get(UsersService).create({ email, password: TEST_PASSWORD, role, fullName });
  const res = await client(baseUrl).post('/api/v1/auth/login', { email, password: TEST_PASSWORD });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return { id: user.id, email, role, token: res.body.accessToken };
}
