import type { INestApplicationContext } from '@nestjs/common';
import { DEMO_DOMAIN, DEMO_LOGINS } from '../cli/demo-logins';
import { AppConfig } from '../config/app.config';
import { PasswordService } from './password.service';
import { UsersRepository } from './users.repository';

/** Raised at start-up in production while a demo account can still be signed into with its published password. */
export class DemoPasswordError extends Error {}

/**
 * The active demo accounts (the seed's addresses, or any address at its domain) whose password is still one of the
 * seed's published ones. Only these few hashes are checked, so the cost does not grow with the number of users.
 */
export async function accountsWithDemoPasswords(users: UsersRepository, passwords: PasswordService): Promise<string[]> {
  const rows = await users.activeDemoAccounts({ emails: DEMO_LOGINS.map((l) => l.email), domain: DEMO_DOMAIN });
  const known = [...new Set(DEMO_LOGINS.map((l) => l.password))];
  const found: string[] = [];
  for (const row of rows) {
    for (const password of known) {
      if (await passwords.verify(row.password_hash, password)) {
        found.push(row.email);
        break;
      }
    }
  }
  return found;
}

/**
 * Production refuses to start while anyone could sign in with a demo password (`seed:demo` prints them, and they are
 * in this repository): the operator disables those accounts (`cli demo:disable`) or changes their passwords first.
 */
export async function refuseDemoPasswordsInProduction(app: INestApplicationContext): Promise<void> {
  if (app.get(AppConfig).NODE_ENV !== 'production') return;
  const found = await accountsWithDemoPasswords(app.get(UsersRepository), app.get(PasswordService));
  if (found.length) {
    throw new DemoPasswordError(
      `Refusing to start in production: ${found.join(', ')} still ha${found.length === 1 ? 's' : 've'} the demo password ` +
        `published by seed:demo. Run \`node dist/src/cli.js demo:disable\` (or change the passwords), or use NODE_ENV=development for a local demo.`,
    );
  }
}
