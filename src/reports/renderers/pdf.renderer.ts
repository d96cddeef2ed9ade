import { Injectable } from '@nestjs/common';
import { ViewService } from '../../common/view.service';
import { barChart } from '../bar-chart';
import { ReportDataService, TERRITORY_KIND_LABELS } from '../report-data.service';
import { PdfBrowserService } from './pdf-browser.service';
import { documentTitle, includesDiscussion, includesExpertise, KIND_TITLES, RenderContext } from './render-context';

/** Free-text answers printed per question; all of them are in the XLSX and CSV. */
export const PDF_TEXTS_PER_QUESTION = 50;

const fmt = (n: number | null) => (n === null ? '—' : String(n).replace('.', ','));

/** Criterion comments, then each review's general comment once. */
function commentsOf(rows: { assignment_id: string; expert: string; criterion: string; comment: string; general_comment: string }[]) {
  const out: { expert: string; criterion: string | null; text: string }[] = [];
  const general = new Map<string, { expert: string; criterion: null; text: string }>();
  for (const r of rows) {
    if (r.comment.trim()) out.push({ expert: r.expert, criterion: r.criterion, text: r.comment });
    if (r.general_comment.trim()) general.set(r.assignment_id, { expert: r.expert, criterion: null, text: r.general_comment });
  }
  return [...out, ...general.values()];
}

/** PDF: templates/reports/report.hbs (HTML, SVG bar charts drawn by the template) printed by headless Chromium. */
@Injectable()
export class PdfRenderer {
  constructor(
    private readonly views: ViewService,
    private readonly browser: PdfBrowserService,
    private readonly data: ReportDataService,
  ) {}

  async render(ctx: RenderContext): Promise<void> {
    const html = await this.html(ctx);
    await ctx.progress(50);
    await this.browser.printToPdf(html, ctx.path);
  }

  async html(ctx: RenderContext): Promise<string> {
    const { snapshot } = ctx;
    const d = snapshot.discussion;
    const e = snapshot.expertise;
    const questions = includesDiscussion(ctx.kind)
      ? await Promise.all(
          d.questions.map(async (q) => ({
            ...q,
            documentTitle: documentTitle(snapshot, q.documentId),
            chart: q.options
              ? barChart(q.options.map((o) => ({ label: o.text, value: o.count, caption: `${o.count} (${fmt(o.percent)} %)` })))
              : q.scale
                ? barChart(q.scale.distribution.map((s) => ({ label: String(s.value), value: s.count, caption: String(s.count) })))
                : null,
            meanText: q.scale ? fmt(q.scale.mean) : null,
            medianText: q.scale ? fmt(q.scale.median) : null,
            textList: q.texts ? await this.data.texts(q.questionId, PDF_TEXTS_PER_QUESTION) : [],
            textsShortened: q.texts ? q.texts.count > PDF_TEXTS_PER_QUESTION : false,
          })),
        )
      : [];
    const reviews = includesExpertise(ctx.kind) ? await this.data.reviewRows(ctx.campaignId) : [];
    return this.views.render(
      'reports/report',
      {
        title: KIND_TITLES[ctx.kind],
        campaignTitle: snapshot.title,
        computedAt: snapshot.computedAt,
        discussion: includesDiscussion(ctx.kind)
          ? {
              ...d,
              territoriesPercent: fmt(d.territories.percent),
              territoryChart: barChart(
                d.territories.byTerritory
                  .filter((t) => t.respondents > 0)
                  .map((t) => ({
                    label: `${t.name} (${TERRITORY_KIND_LABELS[t.kind] ?? t.kind})`,
                    value: t.respondents,
                    caption: `${t.respondents} (${fmt(t.percent)} %)`,
                  })),
              ),
              positionChart: barChart(d.byPosition.map((p) => ({ label: p.name, value: p.respondents, caption: String(p.respondents) }))),
              organizationTypeChart: barChart(
                d.byOrganizationType.map((p) => ({ label: p.name, value: p.respondents, caption: String(p.respondents) })),
              ),
              questions,
              textsPerQuestion: PDF_TEXTS_PER_QUESTION,
            }
          : null,
        expertise: includesExpertise(ctx.kind)
          ? {
              ...e,
              territoriesPercent: fmt(e.territories.percent),
              documents: e.documents.map((doc) => ({
                ...doc,
                alphaText: doc.alpha === null ? 'не определена' : fmt(doc.alpha),
                criteria: doc.criteria.map((c) => ({ ...c, meanText: fmt(c.mean), fullyText: fmt(c.fullyPercent) })),
                farExperts: doc.farExperts.map((f) => ({ ...f, deviationText: fmt(f.deviation) })),
                comments: commentsOf(reviews.filter((r) => r.document_id === doc.documentId)),
              })),
            }
          : null,
      },
      { layout: null },
    );
  }
}
