/** Only same-site absolute paths are followed after login: "/x", never "//evil", "http://…" or "/\evil". */
export function safeNextPath(next: unknown, fallback: string): string {
  if (typeof next !== 'string' || next.length > 500) return fallback;
  if (!/^\/(?![\/\\])[^\s]*$/.test(next)) return fallback;
  return next;
}
