import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConflictError, ErrorCode, ValidationError } from '../common/domain-error';
import { isEmailAddress } from './email-address';
import { Role, User } from './entities/user.entity';
import { PasswordService } from './password.service';

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
    @InjectDataSource() private readonly dataSource: DataSource,
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
    const m = manager ?? this.dataSource.manager;
    const email = UsersService.normalizeEmail(input.email);
    const passwordHash = await this.passwords.hash(input.password);
    const rows: User[] = await m.query(
      `INSERT INTO users (email, password_hash, role, full_name, email_confirmed_at)
       VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [email, passwordHash, input.role, input.fullName.trim(), input.emailConfirmed ?? true],
    );
    if (!rows.length) throw new ConflictError('email: пользователь с таким адресом уже есть', ErrorCode.Duplicate);
    return m.getRepository(User).findOneByOrFail({ id: rows[0].id });
  }

  findByEmailWithPassword(email: string): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email: UsersService.normalizeEmail(email) })
      .getOne();
  }

  findById(id: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ id });
  }
}
