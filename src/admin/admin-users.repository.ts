import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role } from '../accounts/entities/user.entity';

export interface AdminUserRow {
  id: string;
  email: string;
  full_name: string;
  role: Role;
  active: boolean;
  email_confirmed_at: Date | null;
  created_at: Date;
}

export interface UserListFilter {
  search?: string;
  role?: Role;
  active?: boolean;
  confirmed?: boolean;
  limit: number;
  offset: number;
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const COLUMNS = `id, email, full_name, role, active, email_confirmed_at, created_at`;

/**
 * The `users` table as administrators see and change it (role, blocking). Admin owns no table: these reads and
 * writes cross into accounts' table, the documented exception for administration (docs/architecture.md).
 * Methods that must run in a caller's transaction take its EntityManager first; reads take it last, optionally.
 */
@Injectable()
export class AdminUsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async list(f: UserListFilter): Promise<{ rows: AdminUserRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.search) {
      const pat = p(likePattern(f.search));
      where.push(`(full_name ILIKE ${pat} OR email ILIKE ${pat})`);
    }
    if (f.role) where.push(`role = ${p(f.role)}`);
    if (f.active !== undefined) where.push(`active = ${p(f.active)}`);
    if (f.confirmed !== undefined) where.push(`email_confirmed_at IS ${f.confirmed ? 'NOT ' : ''}NULL`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }]: { total: number }[] = await this.dataSource.query(`SELECT count(*)::int AS total FROM users ${clause}`, params);
    const rows: AdminUserRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM users ${clause} ORDER BY full_name, email LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`,
      params,
    );
    return { rows, total };
  }

  async find(id: string, m?: EntityManager, lock = false): Promise<AdminUserRow | null> {
    const rows: AdminUserRow[] = await (m ?? this.dataSource.manager).query(
      `SELECT ${COLUMNS} FROM users WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Active administrators, locked, so two administrators cannot demote or block each other at once and leave none. */
  async lockActiveAdmins(m: EntityManager): Promise<string[]> {
    const rows: { id: string }[] = await m.query(`SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE`);
    return rows.map((r) => r.id);
  }

  async setRole(m: EntityManager, id: string, role: Role): Promise<void> {
    await m.query(`UPDATE users SET role = $2, updated_at = now() WHERE id = $1`, [id, role]);
  }

  async setActive(m: EntityManager, id: string, active: boolean): Promise<void> {
    await m.query(`UPDATE users SET active = $2, updated_at = now() WHERE id = $1`, [id, active]);
  }
}
