import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { UserTokenKind } from './entities/user-token.entity';

/** Why an emailed link cannot be used. */
export type TokenRefusal = 'unknown' | 'used' | 'expired';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/**
 * A new single-use token of `kind` for the user, valid `ttlHours`, in the caller's transaction. Only its sha256 is
 * stored. It replaces the user's unused tokens of that kind: only the newest emailed link works.
 */
export async function issueUserToken(m: EntityManager, userId: string, kind: UserTokenKind, ttlHours: number): Promise<string> {
  // the user's row is the lock: two links minted at once (mail jobs run concurrently) would each see no newer token
  // and both stay usable; in turn, the second marks the first used
  await m.query(`SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, [userId]);
  await m.query(`UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND kind = $2 AND used_at IS NULL`, [userId, kind]);
  const token = randomBytes(32).toString('base64url');
  await m.query(
    `INSERT INTO user_tokens (user_id, kind, token_hash, expires_at) VALUES ($1, $2, $3, now() + ($4::int * interval '1 hour'))`,
    [userId, kind, sha256(token), ttlHours],
  );
  return token;
}

/** Uses a token once, in the caller's transaction: the user it was issued to, or why it cannot be used. */
export async function consumeUserToken(
  m: EntityManager,
  token: string,
  kind: UserTokenKind,
): Promise<{ userId: string } | { refusal: TokenRefusal }> {
  const hash = sha256(token);
  // TypeORM answers an UPDATE … RETURNING with [rows, affectedCount]
  const [used]: [{ user_id: string }[], number] = await m.query(
    `UPDATE user_tokens SET used_at = now()
      WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
    [hash, kind],
  );
  if (used.length) return { userId: used[0].user_id };
  const rows: { used_at: Date | null }[] = await m.query(`SELECT used_at FROM user_tokens WHERE token_hash = $1 AND kind = $2`, [
    hash,
    kind,
  ]);
  return { refusal: !rows.length ? 'unknown' : rows[0].used_at ? 'used' : 'expired' };
}

/**
 * The `user_tokens` table: the single-use tokens of emailed links. The two functions above take only the caller's
 * transaction, so expertise (confirming an applicant's address) uses them in its own transaction too.
 */
@Injectable()
export class UserTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Mints a token in the caller's transaction, or in one of its own (the mail worker mints as it sends). */
  issue(userId: string, kind: UserTokenKind, ttlHours: number, m?: EntityManager): Promise<string> {
    return m ? issueUserToken(m, userId, kind, ttlHours) : this.dataSource.transaction((t) => issueUserToken(t, userId, kind, ttlHours));
  }

  consume(m: EntityManager, token: string, kind: UserTokenKind): Promise<{ userId: string } | { refusal: TokenRefusal }> {
    return consumeUserToken(m, token, kind);
  }
}
