import { randomBytes } from 'node:crypto';

/** Crockford's base32: no I, L, O, U, so a receipt read aloud or typed back is unambiguous. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short receipt such as `R-7K3F-9Q2M`: 40 random bits; a collision is caught by the unique index and retried. */
export function newReceipt(): string {
  const bytes = randomBytes(5);
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return `R-${out.slice(0, 4)}-${out.slice(4)}`;
}

export const RECEIPT_RE = /^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;
