import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string | null; mimeType: string; content: Buffer }[];
  raw: string;
}

export interface TestSmtp {
  url: string;
  messages: ReceivedMail[];
  /** Reply to the next N messages with this SMTP code (e.g. 451 temporary, 550 permanent). */
  failNext(count: number, code: number): void;
  /** The next N messages are read but never answered, and not kept (a hanging server: the client must time out). */
  hangNext(count: number): void;
  /** The next N messages are kept (accepted) but the reply is held for `ms` (to kill a client after acceptance). */
  delayNext(count: number, ms: number): void;
  /** Messages received so far whose reply is being held by delayNext. */
  held(): number;
  waitForCount(n: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/** A real SMTP server in-process (smtp-server); messages are parsed with postal-mime. */
export async function startSmtp(): Promise<TestSmtp> {
  const messages: ReceivedMail[] = [];
  let failures: { count: number; code: number } = { count: 0, code: 0 };
  let hangs = 0;
  let delays = { count: 0, ms: 0 };
  let holding = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (failures.count > 0) {
          failures.count--;
          const err = Object.assign(new Error(`test failure ${failures.code}`), { responseCode: failures.code });
          return callback(err);
        }
        if (hangs > 0) {
          hangs--;
          return; // never answered
        }
        const delayMs = delays.count > 0 ? (delays.count--, delays.ms) : 0;
        const raw = Buffer.concat(chunks);
        void PostalMime.parse(raw).then((mail) => {
          messages.push({
            from: mail.from?.address ?? '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: mail.html ?? '',
            attachments: mail.attachments.map((a) => ({
              filename: a.filename,
              mimeType: a.mimeType,
              content: Buffer.from(a.content as ArrayBuffer),
            })),
            raw: raw.toString('utf8'),
          });
          if (!delayMs) return callback();
          holding++;
          setTimeout(() => {
            holding--;
            callback();
          }, delayMs);
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    failNext(count, code) {
      failures = { count, code };
    },
    hangNext(count) {
      hangs = count;
    },
    delayNext(count, ms) {
      delays = { count, ms };
    },
    held: () => holding,
    async waitForCount(n, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > end) throw new Error(`expected ${n} emails, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return messages;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
