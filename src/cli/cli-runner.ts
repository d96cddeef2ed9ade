import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { parseArgs } from 'node:util';
import type { DataSource } from 'typeorm';
import { Role } from '../accounts/entities/user.entity';
import { UsersService } from '../accounts/users.service';
import { DomainError } from '../common/domain-error';
import { ReferenceService } from '../reference/reference.service';
import { CliModule } from './cli.module';
import { disableDemoAccounts } from './demo-disable';
import { DEMO_LOGINS, DemoSeedService } from './demo-seed.service';
import { loadConfig } from '../config/app.config';
import { UserCommandService } from './user-command.service';

export const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                      run pending database migrations
  seed:reference               load territories, code lists and sample organizations (idempotent)
  seed:demo                    demo users and the demo campaign «Модельные документы 2026» (idempotent;
                               refused with NODE_ENV=production)
  demo:disable                 disable the demo accounts and end their sessions (production refuses to start
                               while a demo account still has its published password)
  user:create --email E --password P --role admin|organizer|expert --name "Full Name"
              [--territory T] [--organization O] [--position P]
                               create a user; an expert is created approved in the registry
                               (territory by name or id, default the first one; organization default «—»)
  help                         this text`;

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

type Output = (line: string) => void;

async function withContext<T>(fn: (ctx: INestApplicationContext) => Promise<T>): Promise<T> {
  const ctx = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'], abortOnError: false });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

function parseUserCreate(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        email: { type: 'string' },
        password: { type: 'string' },
        role: { type: 'string' },
        name: { type: 'string' },
        territory: { type: 'string' },
        organization: { type: 'string' },
        position: { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const missing = (['email', 'password', 'role', 'name'] as const).filter((k) => !values[k]);
  if (missing.length) throw new UsageError(`user:create: missing ${missing.map((k) => `--${k}`).join(', ')}`);
  const problems = UsersService.validateNewUser({
    email: values.email!,
    password: values.password!,
    role: values.role as Role,
    fullName: values.name!,
  }).map((p) => p.replace(/^fullName:/, 'name:'));
  if (problems.length) throw new UsageError(`user:create: ${problems.join('; ')}`);
  if (values.role !== Role.Expert && (values.territory || values.organization || values.position)) {
    throw new UsageError('user:create: --territory, --organization and --position apply to experts only');
  }
  return {
    email: values.email!,
    password: values.password!,
    role: values.role as Role,
    fullName: values.name!,
    territory: values.territory,
    organization: values.organization,
    position: values.position,
  };
}

function noArgs(command: string, args: string[]): void {
  if (args.length) throw new UsageError(`${command}: unexpected arguments: ${args.join(' ')}`);
}

async function seedDemo(out: Output): Promise<void> {
  if (loadConfig().NODE_ENV === 'production') {
    throw new Error('seed:demo: refused with NODE_ENV=production (its passwords are public); use NODE_ENV=development for a local demo');
  }
  await withContext(async (ctx) => {
    const r = await ctx.get(DemoSeedService).seed();
    out(`demo users created: ${r.usersCreated} (of ${DEMO_LOGINS.length})`);
    out(
      r.campaignCreated
        ? `demo campaign created: ${r.campaignId} with ${r.responses} responses`
        : `demo campaign already present: ${r.campaignId}`,
    );
    out('Demo logins (FOR A LOCAL DEMO ONLY, never on a reachable server):');
    for (const l of DEMO_LOGINS) out(`  ${l.role.padEnd(9)} ${l.email.padEnd(22)} ${l.password}`);
  });
}

/** Runs one command; returns normally on success, throws UsageError / DomainError / Error otherwise. */
export async function runCli(argv: string[], out: Output = (l) => console.log(l)): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'migrate': {
      noArgs(command, args);
      await withContext(async (ctx) => {
        // the one place outside src/database that holds the DataSource: migrations are its own business
        const ran = await ctx.get<DataSource>(getDataSourceToken()).runMigrations({ transaction: 'each' });
        out(ran.length ? `applied ${ran.length} migration(s): ${ran.map((m) => m.name).join(', ')}` : 'database is up to date');
      });
      return;
    }
    case 'seed:reference': {
      noArgs(command, args);
      await withContext(async (ctx) => {
        const r = await ctx.get(ReferenceService).seedReference();
        out(`reference data loaded: ${r.territories} territories, ${r.organizations} organizations`);
      });
      return;
    }
    case 'seed:demo': {
      noArgs(command, args);
      await seedDemo(out);
      return;
    }
    case 'demo:disable': {
      noArgs(command, args);
      await withContext(async (ctx) => {
        const emails = await disableDemoAccounts(ctx);
        out(emails.length ? `demo accounts disabled: ${emails.join(', ')}` : 'no active demo accounts');
      });
      return;
    }
    case 'user:create': {
      const input = parseUserCreate(args);
      await withContext(async (ctx) => {
        const user = await ctx.get(UserCommandService).create(input);
        out(`created ${user.role} ${user.email} (id ${user.id})${user.role === Role.Expert ? ', approved in the expert registry' : ''}`);
      });
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      out(USAGE);
      if (command === undefined) throw new UsageError('no command given');
      return;
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

/** Message for a failed command: domain errors already carry the API's text ("email: ..."). */
export function describeError(err: unknown): string {
  if (err instanceof DomainError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * The whole command as `npm run cli` runs it, short of ending the process: 0 on success, 2 on bad usage (the
 * message and the usage on `err`), 1 on failure (the message on `err`).
 */
export async function cliExitCode(argv: string[], out: Output, err: Output): Promise<number> {
  try {
    await runCli(argv, out);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    err(`error: ${describeError(e)}`);
    return 1;
  }
}
