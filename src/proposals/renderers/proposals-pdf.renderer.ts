import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../common/chromium';
import { ViewService } from '../../common/view.service';
import { AppConfig } from '../../config/app.config';
import { decisionLabel } from '../proposal-decision';
import { figuresOf, GENERAL_TITLE, ProposalsFileData } from '../proposals-summary.service';

/**
 * Per document, its figures and every proposal with where it came from and its decision in Russian: what the
 * partial templates/partials/proposals-documents.hbs prints, in this summary and in the final report's section.
 */
export function proposalDocuments({ summary, titles, rows }: ProposalsFileData) {
  return summary.documents.map((d) => ({
    title: d.documentId ? (titles.get(d.documentId) ?? '') : GENERAL_TITLE,
    total: d.total,
    figures: figuresOf(d),
    proposals: rows
      .filter((r) => r.document_id === d.documentId)
      .map((r, i) => ({
        seq: i + 1,
        text: r.text,
        question: r.question_text,
        origin: [r.territory_name, r.position_name ?? r.position].join(', '),
        decision: decisionLabel(r.decision),
        justification: r.justification,
      })),
  }));
}

/**
 * «Сводка предложений» as PDF: templates/reports/proposals-summary.hbs printed by the system Chromium
 * (src/common/chromium.ts). Rendered on request, one at a time per process (a PDF of ~1,000 proposals takes about
 * a second), with a browser started on the first request and closed on shutdown.
 */
@Injectable()
export class ProposalsPdfRenderer implements OnApplicationShutdown {
  private browser: Promise<Browser> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly views: ViewService,
    private readonly config: AppConfig,
  ) {}

  html(campaignTitle: string, data: ProposalsFileData): string {
    const { summary } = data;
    return this.views.render(
      'reports/proposals-summary',
      { campaignTitle, total: summary.total, decided: summary.decided, figures: figuresOf(summary), documents: proposalDocuments(data) },
      { layout: null },
    );
  }

  async render(campaignTitle: string, data: ProposalsFileData): Promise<Buffer> {
    const html = this.html(campaignTitle, data);
    const run = this.queue.then(() => this.print(html));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async print(html: string): Promise<Buffer> {
    const browser = await this.get();
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
    } finally {
      await context.close();
    }
  }

  private get(): Promise<Browser> {
    if (!this.browser) {
      const started = launchChromium(this.config.CHROMIUM_PATH);
      this.browser = started;
      started.then(
        (b) => b.on('disconnected', () => (this.browser = null)),
        () => (this.browser = null),
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
