import { createHash, randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
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
  const [row] = await m.query(`SELECT used_at FROM user_tokens WHERE token_hash = $1 AND kind = $2`, [hash, kind]);
  return { refusal: !row ? 'unknown' : row.used_at ? 'used' : 'expired' };
}
