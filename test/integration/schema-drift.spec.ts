import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source-options';

/**
 * The migrations (run by global setup on this run's database) must describe exactly what the entities say:
 * an entity change without its migration, or a hand-written migration that differs, shows up here.
 */
describe('schema drift: entities vs migrations', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = new DataSource({ ...dataSourceOptions(loadConfig()), logging: false, extra: { max: 2 } });
    await ds.initialize();
  });
  afterAll(() => ds.destroy());

  it('has no pending migrations', async () => {
    expect(await ds.showMigrations()).toBe(false);
  });

  it('the schema the migrations built equals the entities (no statement would be generated)', async () => {
    const sql = await ds.driver.createSchemaBuilder().log();
    const statements = sql.upQueries.map((q) => q.query);
    expect({ missingMigration: statements }).toEqual({ missingMigration: [] });
  });
});
