import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Role, User } from '../accounts/entities/user.entity';
import { UsersService } from '../accounts/users.service';
import { ValidationError } from '../common/domain-error';
import { ExpertStatus } from '../expertise/expert-status';

export interface CreateUserInput {
  email: string;
  password: string;
  role: Role;
  fullName: string;
  /** Expert only: territory id or name; the first territory when omitted. */
  territory?: string;
  organization?: string;
  position?: string;
}

/** `user:create`: a user, and for an expert also an approved registry entry (experts need one to be assigned). */
@Injectable()
export class UserCommandService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
  ) {}

  async create(input: CreateUserInput): Promise<User> {
    return this.dataSource.transaction(async (m) => {
      const user = await this.users.create(
        { email: input.email, password: input.password, role: input.role, fullName: input.fullName, emailConfirmed: true },
        m,
      );
      if (input.role === Role.Expert) {
        const territoryId = await this.territoryId(input.territory);
        await m.query(
          `INSERT INTO expert_profiles (user_id, status, territory_id, organization_name, position, decided_at)
           VALUES ($1, $2, $3, $4, $5, now())`,
          [user.id, ExpertStatus.Approved, territoryId, input.organization?.trim() || '—', input.position?.trim() || '—'],
        );
      }
      return user;
    });
  }

  /** Accepts a territory id or its exact name; without one, the first territory of the list. */
  async territoryId(given?: string): Promise<string> {
    const rows: { id: string }[] = given
      ? await this.dataSource.query(`SELECT id FROM territories WHERE id::text = $1 OR name = $1 ORDER BY sort_order LIMIT 1`, [given])
      : await this.dataSource.query(`SELECT id FROM territories ORDER BY sort_order, name LIMIT 1`);
    if (!rows.length) {
      throw new ValidationError(
        given ? `territory: неизвестная территория «${given}»` : 'territory: справочник территорий пуст, выполните seed:reference',
      );
    }
    return rows[0].id;
  }
}
