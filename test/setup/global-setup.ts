import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ReferenceService } from '../../src/reference/reference.service';
import { ReferenceRepository } from '../../src/reference/reference.repository';
import { ADMIN_DATABASE_URL, newRunEnv } from './test-env';

/** Creates this run's database, migrates it and loads reference data; workers inherit the env set here. */
export default async function globalSetup(): Promise<void> {
  const env = newRunEnv();
  Object.assign(process.env, env);
  const dbName = new URL(env.DATABASE_URL).pathname.slice(1);
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();

  const ds = new DataSource({ ...dataSourceOptions(loadConfig()), logging: false });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await new ReferenceService(new ReferenceRepository(ds)).seedReference();
  await ds.destroy();
}
