const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one shape check for ids that arrive in URLs, queries and bodies: a malformed id is answered as "not found" or
 * as a named bad field before it reaches SQL (where PostgreSQL would refuse it with an error, not an answer).
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && UUID.test(value);
}
