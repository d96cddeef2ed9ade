import { Injectable } from '@nestjs/common';
import { Role, User } from '../accounts/entities/user.entity';
import { UsersRepository } from '../accounts/users.repository';
import { UsersService } from '../accounts/users.service';
import { ValidationError } from '../common/domain-error';
import { ReferenceService } from '../reference/reference.service';
import { CliRepository } from './cli.repository';

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
    private readonly users: UsersService,
    private readonly usersRepo: UsersRepository,
    private readonly reference: ReferenceService,
    private readonly cli: CliRepository,
  ) {}

  async create(input: CreateUserInput): Promise<User> {
    return this.usersRepo.transaction(async (m) => {
      const user = await this.users.create(
        { email: input.email, password: input.password, role: input.role, fullName: input.fullName, emailConfirmed: true },
        m,
      );
      if (input.role === Role.Expert) {
        await this.cli.insertApprovedExpertProfile(m, {
          userId: user.id,
          territoryId: await this.territoryId(input.territory),
          organizationName: input.organization?.trim() || '—',
          position: input.position?.trim() || '—',
        });
      }
      return user;
    });
  }

  /** Accepts a territory id or its exact name; without one, the first territory of the list. */
  async territoryId(given?: string): Promise<string> {
    const id = await this.reference.territoryIdByIdOrName(given);
    if (!id) {
      throw new ValidationError(
        given ? `territory: неизвестная территория «${given}»` : 'territory: справочник территорий пуст, выполните seed:reference',
      );
    }
    return id;
  }
}
