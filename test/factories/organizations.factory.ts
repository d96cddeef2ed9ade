import type { DataSource } from 'typeorm';

export interface RegistryOrganization {
  id: string;
  name: string;
  territoryId: string;
}

const KINDS: [string, string][] = [
  ['МБОУ «СОШ № %»', 'school'],
  ['МАДОУ «Детский сад № %»', 'preschool'],
  ['МАОУ «Гимназия № %»', 'school'],
  ['МБОУ «Лицей № %»', 'school'],
  ['ГБПОУ «Колледж № %»', 'vocational'],
];

/**
 * A region-sized registry added to the seeded one: `count` organizations, a third in the first active territory (the
 * regional capital's share), the rest spread over the others. Names are unique by their number.
 */
export async function addRegistry(ds: DataSource, count: number, numberFrom = 1000): Promise<RegistryOrganization[]> {
  const territories: { id: string }[] = await ds.query(`SELECT id FROM territories WHERE active ORDER BY sort_order`);
  const types = new Set(((await ds.query(`SELECT code FROM organization_types`)) as { code: string }[]).map((t) => t.code));
  const names: string[] = [];
  const territoryIds: string[] = [];
  const typeCodes: string[] = [];
  for (let i = 0; i < count; i++) {
    const [pattern, type] = KINDS[i % KINDS.length];
    const t = i % 3 === 0 ? territories[0] : territories[1 + (i % (territories.length - 1))];
    names.push(pattern.replace('%', String(numberFrom + i)));
    territoryIds.push(t.id);
    typeCodes.push(types.has(type) ? type : [...types][0]);
  }
  return ds.query(
    `INSERT INTO organizations (name, territory_id, type_code)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[])
     RETURNING id, name, territory_id AS "territoryId"`,
    [names, territoryIds, typeCodes],
  );
}
