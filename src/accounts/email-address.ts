/** The longest address SMTP can carry (RFC 5321 path limit); checked before anything else looks at the text. */
export const EMAIL_MAX_LENGTH = 254;

/**
 * "local@domain.tld": one "@", something before it, a dot inside the domain, no whitespace. Written as a scan rather
 * than the usual `^[^\s@]+@[^\s@]+\.[^\s@]+$`, which backtracks quadratically on "a@" + many dots (a 60,000-dot
 * address stalled the server for seconds). The length limit comes first, so nothing longer is ever examined.
 */
export function isEmailAddress(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > EMAIL_MAX_LENGTH) return false;
  if (/\s/.test(value)) return false;
  const at = value.indexOf('@');
  if (at <= 0 || at !== value.lastIndexOf('@')) return false;
  // the domain has a dot with at least one character on each side
  return value.slice(at + 2, -1).includes('.');
}
