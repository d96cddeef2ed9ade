import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Headless LibreOffice Calc (Debian's libreoffice-calc-nogui, installed by .ci/run) converting report files the way
 * an organizer's office software reads them. Each instance has its own user profile (-env:UserInstallation), so
 * parallel test runs never share LibreOffice's profile lock.
 */
export class LibreOffice {
  private readonly dir = mkdtempSync(join(tmpdir(), 'lo-test-'));
  private runs = 0;

  /**
   * Converts `input`, copied under `fileName` (LibreOffice picks its reader by the extension, as for a download),
   * with `--convert-to <to>`, optionally read through `infilter`; returns the files written.
   */
  async convert(input: string, fileName: string, to: string, infilter?: string): Promise<string[]> {
    const run_ = ++this.runs;
    const out = join(this.dir, `out-${run_}`);
    mkdirSync(join(this.dir, `in-${run_}`));
    const source = join(this.dir, `in-${run_}`, fileName);
    copyFileSync(input, source);
    await run(
      'soffice',
      [
        `-env:UserInstallation=file://${join(this.dir, 'profile')}`,
        '--headless',
        '--norestore',
        '--nolockcheck',
        ...(infilter ? [`--infilter=${infilter}`] : []),
        '--convert-to',
        to,
        '--outdir',
        out,
        source,
      ],
      { timeout: 180_000 },
    );
    return readdirSync(out).map((f) => join(out, f));
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
