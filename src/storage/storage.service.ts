import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { AppConfig } from '../config/app.config';
import { projectRoot } from '../common/project-root';

export interface StoredFile {
  key: string;
  size: number;
  sha256: string;
}

export class FileTooLargeError extends Error {}

/**
 * The one place files (document versions, rendered reports) are kept. Local directory by default; keys are
 * generated here, never taken from user input, so no path can escape the root.
 */
@Injectable()
export class StorageService {
  readonly root: string;

  constructor(config: AppConfig) {
    this.root = isAbsolute(config.STORAGE_DIR) ? config.STORAGE_DIR : resolve(projectRoot(), config.STORAGE_DIR);
  }

  private pathOf(key: string): string {
    const full = normalize(join(this.root, key));
    if (!full.startsWith(this.root)) throw new Error('invalid storage key');
    return full;
  }

  /** Streams into a temp file, hashing on the way; over maxBytes → FileTooLargeError and nothing kept. */
  async put(prefix: string, source: Readable | Buffer, maxBytes = Number.MAX_SAFE_INTEGER): Promise<StoredFile> {
    const key = `${prefix}/${randomUUID()}`;
    const target = this.pathOf(key);
    const tmp = `${target}.part`;
    await mkdir(dirname(target), { recursive: true });
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) return cb(new FileTooLargeError(`file exceeds ${maxBytes} bytes`));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    const input = Buffer.isBuffer(source) ? (await import('node:stream')).Readable.from([source]) : source;
    try {
      await pipeline(input, meter, createWriteStream(tmp));
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { key, size, sha256: hash.digest('hex') };
  }

  read(key: string): Readable {
    return createReadStream(this.pathOf(key));
  }

  async exists(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  async remove(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  /** A path to write a file produced on disk (e.g. a streamed XLSX); commit it with `key`. */
  async reserve(prefix: string): Promise<{ key: string; path: string }> {
    const key = `${prefix}/${randomUUID()}`;
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    return { key, path };
  }
}
