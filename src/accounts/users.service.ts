import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConflictError, ErrorCode, ValidationError } from '../common/domain-error';
import { isEmailAddress } from './email-address';
import { Role, User } from './entities/user.entity';
import { PasswordService } from './password.service';
import { UsersRepository } from './users.repository';

export interface NewUser {
  email: string;
  password: string;
  role: Role;
  fullName: string;
  emailConfirmed?: boolean;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly repo: UsersRepository,
    private readonly passwords: PasswordService,
  ) {}

  static normalizeEmail(email: string): string {
    return email.trim().toLowerCase();
  }

  static validateNewUser(input: NewUser): string[] {
    const problems: string[] = [];
    // length before any pattern: isEmailAddress refuses more than EMAIL_MAX_LENGTH characters without looking further
    if (!isEmailAddress(input.email)) problems.push('email: неверный адрес электронной почты');
    if (typeof input.password !== 'string' || input.password.length < PasswordService.MIN_LENGTH || input.password.length > 200) {
      problems.push(`password: пароль должен быть от ${PasswordService.MIN_LENGTH} до 200 символов`);
    }
    if (!Object.values(Role).includes(input.role)) problems.push('role: допустимы admin, organizer, expert');
    if (typeof input.fullName !== 'string' || input.fullName.length > 200 || !input.fullName.trim())
      problems.push('fullName: укажите имя (до 200 символов)');
    return problems;
  }

  async create(input: NewUser, manager?: EntityManager): Promise<User> {
    const problems = UsersService.validateNewUser(input);
    if (problems.length) throw new ValidationError(problems);
    const passwordHash = await this.passwords.hash(input.password);
    const id = await this.repo.insertUnlessTaken(
      {
        email: UsersService.normalizeEmail(input.email),
        passwordHash,
        role: input.role,
        fullName: input.fullName.trim(),
        emailConfirmed: input.emailConfirmed ?? true,
      },
      manager,
    );
    if (!id) throw new ConflictError('email: пользователь с таким адресом уже есть', ErrorCode.Duplicate);
    return (await this.repo.findById(id, manager))!;
  }

  findByEmailWithPassword(email: string): Promise<User | null> {
    return this.repo.findByEmailWithPassword(UsersService.normalizeEmail(email));
  }

  /** The account with this address, active or not. */
  findByEmail(email: string): Promise<User | null> {
    return this.repo.findByEmail(UsersService.normalizeEmail(email));
  }

  findById(id: string): Promise<User | null> {
    return this.repo.findById(id);
  }
}
