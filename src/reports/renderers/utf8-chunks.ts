/** Bytes gathered before a chunk is handed on (to the zip or the file). */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Text encoded as UTF-8 the moment it is put, into chunks of about a megabyte taken by the writer. A report's
 * records (a CSV line, a sheet row) are garbage as soon as they are put, so nothing of a million rows outlives a
 * young-generation collection: kept as strings until a batch or a chunk was complete, they were promoted and
 * collected again, a third of the report's CPU.
 */
export class Utf8Chunks {
  private full: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

  put(text: string): void {
    // a UTF-8 character takes at most 3 bytes per UTF-16 unit
    if (this.used + text.length * 3 > this.buf.length) this.seal();
    if (text.length * 3 > this.buf.length) this.full.push(Buffer.from(text, 'utf8'));
    else this.used += this.buf.write(text, this.used, 'utf8');
  }

  /** The chunks filled since the last take; with `all`, the one being filled too. */
  take(all = false): Buffer[] {
    if (all) this.seal();
    const taken = this.full;
    this.full = [];
    return taken;
  }

  private seal(): void {
    if (!this.used) return;
    this.full.push(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
  }
}
