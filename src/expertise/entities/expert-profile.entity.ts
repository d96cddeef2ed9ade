import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Territory } from '../../reference/entities/territory.entity';
import { User } from '../../accounts/entities/user.entity';
import { ExpertStatus } from '../expert-status';

/** An entry of the regional expert registry («региональный реестр экспертов»). */
@Entity({ name: 'expert_profiles' })
export class ExpertProfile {
  @PrimaryColumn({ type: 'uuid', name: 'user_id' })
  userId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Index('ix_expert_profiles_status')
  @Column({ type: 'text', default: ExpertStatus.Applied })
  status: ExpertStatus;

  @Column({ type: 'uuid', name: 'territory_id' })
  territoryId: string;

  @ManyToOne(() => Territory, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'territory_id' })
  territory?: Territory;

  @Column({ type: 'uuid', name: 'organization_id', nullable: true })
  organizationId: string | null;

  @Column({ type: 'text', name: 'organization_name' })
  organizationName: string;

  @Column({ type: 'text' })
  position: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  competences: string[];

  @Column({ type: 'text', default: '' })
  about: string;

  /** Reason given with rejection or suspension. */
  @Column({ type: 'text', name: 'status_reason', nullable: true })
  statusReason: string | null;

  @Column({ type: 'uuid', name: 'decided_by', nullable: true })
  decidedBy: string | null;

  @Column({ type: 'timestamptz', name: 'decided_at', nullable: true })
  decidedAt: Date | null;

  /** 152-FZ: the version of the personal-data policy the applicant consented to, and when. */
  @Column({ type: 'text', name: 'consent_version', nullable: true })
  consentVersion: string | null;

  @Column({ type: 'timestamptz', name: 'consent_at', nullable: true })
  consentAt: Date | null;

  /** When the expert's personal data was erased on request (reviews stay, anonymized). */
  @Column({ type: 'timestamptz', name: 'erased_at', nullable: true })
  erasedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
