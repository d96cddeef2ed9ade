import type { FastifyRequest } from 'fastify';
import { pipeline } from 'node:stream/promises';
import { DomainError, ErrorCode, ValidationError } from '../common/domain-error';
import { FileTooLargeError, StorageService } from '../storage/storage.service';
import { documentTypeOf, magicCheck, UnsupportedFileError } from './file-type';

export interface UploadedFile {
  key: string;
  size: number;
  sha256: string;
  fileName: string;
  contentType: string;
}

export interface ParsedUpload {
  fields: Record<string, string>;
  file: UploadedFile | null;
}

export class UploadTooLargeError extends DomainError {
  constructor(maxBytes: number) {
    const mb = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
    super(ErrorCode.PayloadTooLarge, `file: Файл слишком большой: допускается не более ${mb} МБ`, {
      file: `Файл слишком большой: допускается не более ${mb} МБ`,
    });
  }
}

function isMultipart(req: FastifyRequest): boolean {
  return String(req.headers['content-type'] ?? '')
    .toLowerCase()
    .startsWith('multipart/form-data');
}

/**
 * Reads a multipart upload: text fields, and one `file` streamed into storage while its type (extension and first
 * bytes), size and sha256 are checked. On any error the stored file is removed, so nothing is kept.
 */
export async function readDocumentUpload(req: FastifyRequest, storage: StorageService, maxBytes: number): Promise<ParsedUpload> {
  if (!isMultipart(req)) throw new ValidationError('file: ожидается форма multipart/form-data с файлом', { file: 'Выберите файл' });
  const fields: Record<string, string> = {};
  let file: UploadedFile | null = null;
  let failure: unknown = null;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field') {
        fields[part.fieldname] = typeof part.value === 'string' ? part.value : String(part.value ?? '');
        continue;
      }
      if (part.fieldname !== 'file' || file || failure) {
        part.file.resume();
        continue;
      }
      const fileName = (part.filename ?? '').trim();
      if (!fileName) {
        // an empty file input in a browser form sends a part with no name
        part.file.resume();
        continue;
      }
      const type = documentTypeOf(fileName);
      if (!type) {
        failure = new UnsupportedFileError();
        part.file.resume();
        continue;
      }
      try {
        const checker = magicCheck(type.magic);
        const stored = await storage.put('documents', pipelineSource(part.file, checker), maxBytes);
        if (part.file.truncated) {
          await storage.remove(stored.key);
          failure = new UploadTooLargeError(maxBytes);
          continue;
        }
        file = { ...stored, fileName: safeFileName(fileName), contentType: type.contentType };
      } catch (err) {
        failure = err;
        if (!part.file.destroyed) part.file.resume();
      }
    }
  } catch (err) {
    failure ??= err;
  }
  if (failure) {
    if (file) await storage.remove(file.key);
    throw mapUploadError(failure, maxBytes);
  }
  return { fields, file };
}

/** The file stream through the magic-bytes check, as one readable for StorageService.put. */
function pipelineSource(source: NodeJS.ReadableStream, checker: ReturnType<typeof magicCheck>) {
  void pipeline(source, checker).catch(() => undefined);
  return checker;
}

function mapUploadError(err: unknown, maxBytes: number): unknown {
  if (err instanceof DomainError) return err;
  if (err instanceof FileTooLargeError) return new UploadTooLargeError(maxBytes);
  const e = err as { code?: string; statusCode?: number };
  if (e?.code === 'FST_REQ_FILE_TOO_LARGE') return new UploadTooLargeError(maxBytes);
  if (e?.statusCode === 413) return new UploadTooLargeError(maxBytes);
  return err;
}

/** Keeps the name users gave the file, without path parts or control characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  return base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255) || 'document';
}
