import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { TERRITORY_KIND_LABELS } from '../../src/reference/reference-data';

describe('territory kinds', () => {
  let ds: DataSource;

  beforeAll(async () => {
    ds = new DataSource({ ...dataSourceOptions(loadConfig()), logging: false, extra: { max: 2 } });
    await ds.initialize();
  });
  afterAll(() => ds.destroy());

  it('a district can become a municipal okrug; an unknown kind is refused', async () => {
    const [t] = await ds.query(`SELECT id FROM territories WHERE kind = 'municipal_district' ORDER BY name LIMIT 1`);
    await ds.query(`UPDATE territories SET kind = 'municipal_okrug' WHERE id = $1`, [t.id]);
    const [after] = await ds.query(`SELECT kind FROM territories WHERE id = $1`, [t.id]);
    expect(after.kind).toBe('municipal_okrug');
    await expect(ds.query(`UPDATE territories SET kind = 'city' WHERE id = $1`, [t.id])).rejects.toThrow(/ck_territories_kind/);
  });

  it('every kind has a Russian label', () => {
    expect(TERRITORY_KIND_LABELS).toEqual({
      urban_okrug: 'Городской округ',
      municipal_district: 'Муниципальный район',
      municipal_okrug: 'Муниципальный округ',
    });
  });
});
