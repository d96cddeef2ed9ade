import { Injectable } from '@nestjs/common';
import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import PostalMime from 'postal-mime';
import { projectRoot } from '../common/project-root';
import { AppConfig } from '../config/app.config';

export interface CaughtMail {
  name: string;
  receivedAt: Date;
  subject: string;
  from: string;
  to: string;
  text: string;
  links: string[];
  attachments: { index: number; filename: string; mimeType: string; size: number }[];
}

/** Newest messages shown; older ones stay on disk. */
const SHOWN = 50;
/** A caught message larger than this is listed without being parsed (reports by email are a few MB at most). */
const MAX_BYTES = 20 * 1024 * 1024;
/** Names the demo's sink gives files; anything else (and any path) is refused, so a name cannot leave the folder. */
const FILE_NAME = /^[0-9A-Za-z-]{1,80}\.eml$/;
/** http(s) URLs in the text part: one character class, linear. */
const URL_RE = /https?:\/\/[^\s<>"'«»]+/g;

type Address = { name?: string; address?: string };

/** Reads the emails the demo's SMTP sink (scripts/mail-sink.ts) saved as `.eml` files, decoded with postal-mime. */
@Injectable()
export class DevMailService {
  constructor(private readonly config: AppConfig) {}

  /** Off in production and when DEV_MAIL=off: the page then does not exist. */
  enabled(): boolean {
    return this.config.NODE_ENV !== 'production' && this.config.DEV_MAIL === 'on';
  }

  dir(): string {
    const dir = this.config.DEV_MAIL_DIR;
    return isAbsolute(dir) ? dir : resolve(projectRoot(), dir);
  }

  async list(): Promise<CaughtMail[]> {
    const names = await readdir(this.dir()).catch(() => [] as string[]);
    const newest = names
      .filter((n) => FILE_NAME.test(n))
      .sort()
      .reverse()
      .slice(0, SHOWN);
    return Promise.all(newest.map((n) => this.read(n)));
  }

  /** One attachment of one message, or null when either is missing. */
  async attachment(name: string, index: number): Promise<{ filename: string; mimeType: string; content: Buffer } | null> {
    if (!FILE_NAME.test(name) || !Number.isInteger(index) || index < 0) return null;
    const parsed = await this.parse(name).catch(() => null);
    const a = parsed?.attachments[index];
    if (!a) return null;
    const content = typeof a.content === 'string' ? Buffer.from(a.content) : Buffer.from(a.content as ArrayBuffer);
    return { filename: a.filename ?? `attachment-${index + 1}`, mimeType: a.mimeType, content };
  }

  private async read(name: string): Promise<CaughtMail> {
    const info = await stat(join(this.dir(), name));
    if (info.size > MAX_BYTES) {
      return {
        name,
        receivedAt: info.mtime,
        subject: `(${info.size} байт, слишком большое)`,
        from: '',
        to: '',
        text: '',
        links: [],
        attachments: [],
      };
    }
    const mail = await this.parse(name);
    const text = mail.text ?? '';
    return {
      name,
      receivedAt: mail.date ? new Date(mail.date) : info.mtime,
      subject: mail.subject ?? '',
      from: addresses(mail.from ? [mail.from as Address] : []),
      to: addresses((mail.to ?? []) as Address[]),
      text,
      links: [...new Set(text.match(URL_RE) ?? [])],
      attachments: mail.attachments.map((a, index) => ({
        index,
        filename: a.filename ?? `attachment-${index + 1}`,
        mimeType: a.mimeType,
        size: typeof a.content === 'string' ? Buffer.byteLength(a.content) : (a.content as ArrayBuffer).byteLength,
      })),
    };
  }

  private async parse(name: string) {
    return PostalMime.parse(await readFile(join(this.dir(), name)));
  }
}

function addresses(list: Address[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? ''))).join(', ');
}
