import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface CaughtMailLine {
  to: string[];
  subject: string;
  file: string;
}

/**
 * The demo's SMTP sink: keeps every email as an `.eml` file in `dir` (what /dev/mail reads) and reports each one with
 * its decoded subject. Used by `npm run demo` and by the test of the /dev/mail page.
 */
export async function startMailSink(
  dir: string,
  host: string,
  port: number,
  onMail: (mail: CaughtMailLine) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  mkdirSync(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        // the name sorts by time (the page lists newest first) and matches /dev/mail's file-name rule
        const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}.eml`);
        writeFileSync(file, raw);
        const to = session.envelope.rcptTo.map((r) => r.address);
        PostalMime.parse(raw)
          .then((m) => m.subject ?? '')
          .catch(() => '')
          .then((subject) => onMail({ to, subject, file }));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
