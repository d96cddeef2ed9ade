import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { OrganizationType } from './reference-item.entity';
import { Territory } from './territory.entity';

@Entity({ name: 'organizations' })
@Unique('uq_organizations_territory_name', ['territoryId', 'name'])
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Index('ix_organizations_territory')
  @Column({ type: 'uuid', name: 'territory_id' })
  territoryId: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_id' })
  territory?: Territory;

  @Column({ type: 'text', name: 'type_code' })
  typeCode: string;

  @ManyToOne(() => OrganizationType, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'type_code' })
  type?: OrganizationType;

  @Column({ type: 'boolean', name: 'base_site', default: false })
  baseSite: boolean;

  @Column({ type: 'boolean', name: 'innovation_site', default: false })
  innovationSite: boolean;

  /** Taxpayer number (10 digits for an organization), checked by its checksum; optional. */
  @Column({ type: 'text', nullable: true })
  inn: string | null;

  /** Direction codes the organization is a base site for (the base-site network is organized by direction). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  directions: string[];

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
