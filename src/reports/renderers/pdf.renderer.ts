import { Injectable } from '@nestjs/common';
import { ViewService } from '../../common/view.service';
import type { ProposalRow } from '../../proposals/proposals.repository';
import { ProposalsFileData, ProposalsSummaryService } from '../../proposals/proposals-summary.service';
import { ReportDataService } from '../report-data.service';
import { PdfBrowserService } from './pdf-browser.service';
import { FreeText, PDF_TEXTS_PER_QUESTION, pdfModel } from './pdf-model';
import { includesDiscussion, includesExpertise, includesProposals, RenderContext } from './render-context';

export { PDF_TEXTS_PER_QUESTION };

/** Decided proposals the PDF report lists at most (the rest are on the XLSX report's sheet). */
export const PDF_DECIDED_PROPOSALS = 2_000;

/**
 * PDF: templates/reports/report.hbs (HTML, SVG bar charts drawn by the template; in a full report the «Сводка
 * предложений» through the partial the organizer's summary file prints with) printed by headless Chromium, with
 * templates/reports/footer.hbs (campaign title, page N of M) as Chromium's footer on every page.
 */
@Injectable()
export class PdfRenderer {
  constructor(
    private readonly views: ViewService,
    private readonly browser: PdfBrowserService,
    private readonly data: ReportDataService,
    private readonly proposals: ProposalsSummaryService,
  ) {}

  async render(ctx: RenderContext): Promise<void> {
    const html = await this.html(ctx);
    await ctx.progress(50);
    const footer = this.views.render('reports/footer', { campaignTitle: ctx.snapshot.title }, { layout: null });
    await this.browser.printToPdf(html, ctx.path, { footer });
  }

  async html(ctx: RenderContext): Promise<string> {
    const { snapshot } = ctx;
    const withTexts = includesDiscussion(ctx.kind) ? snapshot.discussion.questions.filter((q) => q.texts) : [];
    const texts = new Map<string, FreeText[]>(
      await Promise.all(withTexts.map(async (q) => [q.questionId, await this.data.texts(q.questionId, PDF_TEXTS_PER_QUESTION)] as const)),
    );
    const reviews = includesExpertise(ctx.kind) ? await this.data.reviewRows(ctx.campaignId) : [];
    const proposals = includesProposals(ctx.kind) ? await this.decidedProposals(ctx.campaignId) : null;
    return this.views.render('reports/report', pdfModel(ctx.kind, snapshot, texts, reviews, proposals), { layout: null });
  }

  /**
   * The PDF lists the proposals with a decision (each once; the undecided are counted), the first
   * PDF_DECIDED_PROPOSALS of them: a printed report of a federal round cannot hold hundreds of thousands, and the
   * XLSX report's sheet holds every proposal.
   */
  private async decidedProposals(campaignId: string): Promise<ProposalsFileData> {
    const data = await this.proposals.reportData(campaignId);
    const rows: ProposalRow[] = [];
    for await (const batch of data.batches(true)) {
      rows.push(...batch.slice(0, PDF_DECIDED_PROPOSALS - rows.length));
      if (rows.length >= PDF_DECIDED_PROPOSALS) break;
    }
    return { summary: data.summary, titles: data.titles, rows };
  }
}
