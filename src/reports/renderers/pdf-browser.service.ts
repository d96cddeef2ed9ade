import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../common/chromium';
import { AppConfig } from '../../config/app.config';

/** One headless Chromium per worker, started on the first PDF and closed on shutdown. */
@Injectable()
export class PdfBrowserService implements OnApplicationShutdown {
  private readonly logger = new Logger(PdfBrowserService.name);
  private browser: Promise<Browser> | null = null;

  constructor(private readonly config: AppConfig) {}

  /** `footer`: HTML printed at the foot of every page (Chromium fills `.pageNumber` and `.totalPages`). */
  async printToPdf(html: string, path: string, options: { footer?: string } = {}): Promise<void> {
    const browser = await this.get();
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      await page.pdf({
        path,
        format: 'A4',
        printBackground: true,
        // bookmarks from the headings, so a PDF viewer's side panel lists the sections
        outline: true,
        tagged: true,
        displayHeaderFooter: Boolean(options.footer),
        headerTemplate: '<span></span>',
        footerTemplate: options.footer ?? '<span></span>',
        margin: { top: '15mm', bottom: options.footer ? '22mm' : '15mm', left: '12mm', right: '12mm' },
      });
    } finally {
      await context.close();
    }
  }

  private get(): Promise<Browser> {
    if (!this.browser) {
      this.browser = launchChromium(this.config.CHROMIUM_PATH);
      this.browser.then(
        (b) => b.on('disconnected', () => (this.browser = null)),
        (err: Error) => {
          this.logger.error(`chromium did not start: ${err.message}`);
          this.browser = null;
        },
      );
    }
    return this.browser;
  }

  async onApplicationShutdown(): Promise<void> {
    const pending = this.browser;
    this.browser = null;
    if (pending) await pending.then((b) => b.close()).catch(() => undefined);
  }
}
