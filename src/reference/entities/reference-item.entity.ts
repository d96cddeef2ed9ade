import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Code lists from reference.json. Separate tables so responses and profiles can reference them by FK. */
abstract class ReferenceItem {
  @PrimaryColumn({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'integer', name: 'sort_order', default: 0 })
  sortOrder: number;
}

@Entity({ name: 'organization_types' })
export class OrganizationType extends ReferenceItem {}

@Entity({ name: 'positions' })
export class Position extends ReferenceItem {}

@Entity({ name: 'directions' })
export class Direction extends ReferenceItem {}

@Entity({ name: 'recommendations' })
export class Recommendation extends ReferenceItem {}
