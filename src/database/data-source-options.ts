import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app.config';
import { ENTITIES } from './entities';

/** One definition used by the app, the worker, the CLI, tests and the TypeORM CLI (ormconfig.ts). */
export function dataSourceOptions(config: Pick<AppConfig, 'DATABASE_URL' | 'DATABASE_POOL_SIZE'>): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    // gen_random_uuid() is built into PostgreSQL ≥ 13: no extension to install
    uuidExtension: 'pgcrypto',
    entities: ENTITIES,
    migrations: [join(__dirname, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    extra: {
      max: config.DATABASE_POOL_SIZE,
      connectionTimeoutMillis: 5_000,
      // a statement stuck on a dead connection must not hang a request forever
      statement_timeout: 60_000,
      application_name: 'discussion-platform',
    },
  };
}
