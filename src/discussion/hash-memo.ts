import { hash as oneShotHash } from 'node:crypto';

/**
 * sha256 hex of short strings that repeat a lot (one school's address and browsers send many submissions), memoized in
 * a bounded map: the hashes of client traits cost a few µs each and are computed several times per submission.
 */
export class HashMemo {
  private readonly cache = new Map<string, string>();

  constructor(private readonly maxEntries = 50_000) {}

  sha256(input: string): string {
    let hash = this.cache.get(input);
    if (hash === undefined) {
      hash = oneShotHash('sha256', input, 'hex');
      if (this.cache.size >= this.maxEntries) this.cache.clear();
      this.cache.set(input, hash);
    }
    return hash;
  }
}
