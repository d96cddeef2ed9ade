import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role, User } from './entities/user.entity';

export interface UserInsert {
  email: string;
  passwordHash: string;
  role: Role;
  fullName: string;
  emailConfirmed: boolean;
}

export interface UserNameRow {
  id: string;
  full_name: string;
}

export interface UserEmailRow {
  id: string;
  email: string;
}

export interface UserPasswordRow {
  email: string;
  password_hash: string;
}

/** Which accounts a demo command touches: the listed addresses, or any address at the demo domain. */
export interface DemoAccounts {
  emails: string[];
  domain: string;
}

/** The `users` table. Methods that take an EntityManager run in the caller's transaction. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The new user's id, or null when the address is taken. */
  async insertUnlessTaken(u: UserInsert, m: EntityManager = this.dataSource.manager): Promise<string | null> {
    const rows: { id: string }[] = await m.query(
      `INSERT INTO users (email, password_hash, role, full_name, email_confirmed_at)
       VALUES ($1, $2, $3, $4, CASE WHEN $5 THEN now() END)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [u.email, u.passwordHash, u.role, u.fullName, u.emailConfirmed],
    );
    return rows[0]?.id ?? null;
  }

  findById(id: string, m: EntityManager = this.dataSource.manager): Promise<User | null> {
    return m.getRepository(User).findOneBy({ id });
  }

  /** `email` normalised by the caller. */
  findByEmail(email: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOneBy({ email });
  }

  /** With the password hash, which other reads leave out. `email` normalised by the caller. */
  findByEmailWithPassword(email: string): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.email = :email', { email })
      .getOne();
  }

  async findActiveByEmail(m: EntityManager, email: string): Promise<UserNameRow | null> {
    const rows: UserNameRow[] = await m.query(`SELECT id, full_name FROM users WHERE email = $1 AND active`, [email]);
    return rows[0] ?? null;
  }

  /** A new password; the emailed link that allowed it reached its owner, so the address is confirmed too. */
  async setPasswordConfirmingEmail(m: EntityManager, userId: string, passwordHash: string): Promise<void> {
    await m.query(
      `UPDATE users SET password_hash = $2, email_confirmed_at = coalesce(email_confirmed_at, now()), updated_at = now() WHERE id = $1`,
      [userId, passwordHash],
    );
  }

  /** Locks the user's row until the transaction ends. */
  async lock(m: EntityManager, userId: string): Promise<void> {
    await m.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
  }

  /** Active demo accounts with their password hashes, by address. */
  activeDemoAccounts(which: DemoAccounts): Promise<UserPasswordRow[]> {
    return this.dataSource.query(
      `SELECT email, password_hash FROM users WHERE active AND (email = ANY($1::text[]) OR email LIKE $2) ORDER BY email`,
      [which.emails, `%@${which.domain}`],
    );
  }

  /** Deactivates the active demo accounts and replaces their password hash; the accounts changed. */
  async disableDemoAccounts(which: DemoAccounts, passwordHash: string): Promise<UserEmailRow[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount]
    const [rows]: [UserEmailRow[], number] = await this.dataSource.query(
      `UPDATE users SET active = false, password_hash = $3, updated_at = now()
        WHERE active AND (email = ANY($1::text[]) OR email LIKE $2) RETURNING id, email`,
      [which.emails, `%@${which.domain}`, passwordHash],
    );
    return rows;
  }
}
