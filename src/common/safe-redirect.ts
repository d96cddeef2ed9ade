/**
 * Only same-site absolute paths are followed after login: "/x", never "//evil", "http://…" or "/\evil". Whitespace
 * and control characters refuse the path; other characters outside printable ASCII (e.g. Cyrillic) are
 * percent-encoded, so the result is always a valid Location header (a raw "/организатор" made Node refuse to write
 * the header, and the request ended in a 500).
 */
export function safeNextPath(next: unknown, fallback: string): string {
  if (typeof next !== 'string' || next.length > 500) return fallback;
  if (next[0] !== '/' || next[1] === '/' || next[1] === '\\') return fallback;
  let out = '';
  for (const ch of next) {
    const code = ch.codePointAt(0)!;
    if (code <= 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f) || /\s/.test(ch)) return fallback;
    if (code < 0x80) out += ch;
    else if (code >= 0xd800 && code <= 0xdfff)
      return fallback; // a lone surrogate: not text
    else out += encodeURIComponent(ch);
  }
  return out;
}
