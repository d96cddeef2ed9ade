import { Transform } from 'node:stream';
import { DomainError, ErrorCode } from '../common/domain-error';

/** Accepted document formats: checked by the extension AND the first bytes, so a renamed file is refused. */
const MAGIC = {
  pdf: Buffer.from('%PDF'),
  zip: Buffer.from([0x50, 0x4b, 0x03, 0x04]),
  rtf: Buffer.from('{\\rtf'),
};

export const DOCUMENT_TYPES: Readonly<Record<string, { contentType: string; magic: Buffer }>> = {
  pdf: { contentType: 'application/pdf', magic: MAGIC.pdf },
  docx: { contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', magic: MAGIC.zip },
  odt: { contentType: 'application/vnd.oasis.opendocument.text', magic: MAGIC.zip },
  zip: { contentType: 'application/zip', magic: MAGIC.zip },
  rtf: { contentType: 'application/rtf', magic: MAGIC.rtf },
};

export const UNSUPPORTED_FILE_MESSAGE = 'file: Недопустимый тип файла: разрешены PDF, DOCX, ODT, RTF и ZIP';

export class UnsupportedFileError extends DomainError {
  constructor() {
    super(ErrorCode.UnsupportedFile, UNSUPPORTED_FILE_MESSAGE, { file: 'Недопустимый тип файла: разрешены PDF, DOCX, ODT, RTF и ZIP' });
  }
}

/** The accepted type of this file name, or null. */
export function documentTypeOf(fileName: string): { ext: string; contentType: string; magic: Buffer } | null {
  const m = /\.([a-z0-9]+)$/i.exec(fileName.trim());
  if (!m) return null;
  const ext = m[1].toLowerCase();
  const type = DOCUMENT_TYPES[ext];
  return type ? { ext, ...type } : null;
}

/** Passes bytes through once the head matches `magic`; otherwise fails the stream with UnsupportedFileError. */
export function magicCheck(magic: Buffer): Transform {
  let head = Buffer.alloc(0);
  let checked = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (checked) return cb(null, chunk);
      head = Buffer.concat([head, chunk]);
      if (head.length < magic.length) return cb();
      checked = true;
      if (!head.subarray(0, magic.length).equals(magic)) return cb(new UnsupportedFileError());
      const out = head;
      head = Buffer.alloc(0);
      cb(null, out);
    },
    flush(cb) {
      if (!checked) return cb(new UnsupportedFileError());
      cb();
    },
  });
}

/** RFC 6266/5987 Content-Disposition that keeps a Cyrillic file name. */
export function contentDisposition(fileName: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
