import type { Browser } from 'playwright-core';
import { launchChromium } from '../../src/common/chromium';

/** Debian's chromium for browser tests; CHROMIUM_PATH overrides where it lives. */
export function launchBrowser(): Promise<Browser> {
  return launchChromium(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
}
