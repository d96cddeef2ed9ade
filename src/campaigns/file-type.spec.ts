import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { contentDisposition, documentTypeOf, magicCheck, UnsupportedFileError } from './file-type';

async function run(chunks: Buffer[], magic: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    magicCheck(magic),
    new Writable({
      write(c: Buffer, _e, cb) {
        out.push(c);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('document file types', () => {
  it('knows the accepted extensions, case-insensitively', () => {
    expect(documentTypeOf('Альбом.PDF')?.contentType).toBe('application/pdf');
    expect(documentTypeOf('a.docx')?.ext).toBe('docx');
    expect(documentTypeOf('a.odt')?.ext).toBe('odt');
    expect(documentTypeOf('a.rtf')?.ext).toBe('rtf');
    expect(documentTypeOf('a.zip')?.ext).toBe('zip');
    for (const bad of ['a.exe', 'a.doc', 'pdf', 'a.pdf.exe', '']) expect([bad, documentTypeOf(bad)]).toEqual([bad, null]);
  });

  it('passes every byte when the head matches, even split across chunks', async () => {
    const magic = Buffer.from('%PDF');
    expect((await run([Buffer.from('%P'), Buffer.from('DF-1.7 rest')], magic)).toString()).toBe('%PDF-1.7 rest');
  });

  it('fails on the wrong head or a file shorter than the signature', async () => {
    const magic = Buffer.from('%PDF');
    await expect(run([Buffer.from('MZ....')], magic)).rejects.toBeInstanceOf(UnsupportedFileError);
    await expect(run([Buffer.from('%P')], magic)).rejects.toBeInstanceOf(UnsupportedFileError);
  });

  it('keeps a Cyrillic file name in Content-Disposition (RFC 5987)', () => {
    expect(contentDisposition('Отчёт (итог).pdf')).toBe(
      `attachment; filename="_____ (____).pdf"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%28%D0%B8%D1%82%D0%BE%D0%B3%29.pdf`,
    );
  });
});
