import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export enum TerritoryKind {
  UrbanOkrug = 'urban_okrug',
  MunicipalDistrict = 'municipal_district',
  MunicipalOkrug = 'municipal_okrug',
}

/** A municipality. Names repeat across kinds (Троицкий ГО / Троицкий МР), so name + kind is the identity. */
@Entity({ name: 'territories' })
@Unique('uq_territories_name_kind', ['name', 'kind'])
@Check('ck_territories_kind', `"kind" IN ('urban_okrug', 'municipal_district', 'municipal_okrug')`)
export class Territory {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  kind: TerritoryKind;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'integer', name: 'sort_order', default: 0 })
  sortOrder: number;
}
