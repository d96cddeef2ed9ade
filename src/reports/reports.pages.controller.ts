import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly, Public } from '../accounts/current-user';
import { CAMPAIGN_STATUS_LABELS } from '../campaigns/campaign-status';
import { DomainError, ErrorCode } from '../common/domain-error';
import { errorSummary, flashFor, sendPage } from '../common/page-form';
import { PublishedProposalsService } from '../proposals/published-proposals.service';
import { ViewService } from '../common/view.service';
import { MailService } from '../mail/mail.service';
import { PUBLIC_STAGES } from '../results/published-results.repository';
import { DIMENSIONS } from '../results/breakdown.service';
import { ResultsService } from '../results/results.service';
import { CsvDialect, ReportFormat, ReportKind } from './report-status';
import { contentDisposition } from './reports.controller';
import { ReportsService } from './reports.service';
import { reportRows, resultsPageModel } from './results-view';
import { mailFailureInWords, mailKindLabel } from '../mail/mail-labels';

const DONE: Record<string, string> = {
  refresh: 'Пересчёт результатов поставлен в очередь: обновите страницу через несколько секунд.',
  report: 'Отчёт поставлен в очередь: его состояние видно в списке ниже.',
  published: 'Итоги опубликованы на публичной странице кампании.',
  unpublished: 'Публикация итогов снята.',
};

/** The page's format choices: the two CSV dialects are two choices of one list (works without JavaScript). */
const PAGE_FORMATS: Readonly<Record<string, { format: ReportFormat; csvDialect?: CsvDialect }>> = {
  xlsx: { format: ReportFormat.Xlsx },
  pdf: { format: ReportFormat.Pdf },
  csv: { format: ReportFormat.Csv, csvDialect: CsvDialect.ExcelRu },
  'csv-rfc4180': { format: ReportFormat.Csv, csvDialect: CsvDialect.Rfc4180 },
};

/** Organizer results page (figures, reports, failed emails, publishing), report downloads, and the public results page. */
@ApiExcludeController()
@Controller()
export class ReportsPagesController {
  constructor(
    private readonly results: ResultsService,
    private readonly reports: ReportsService,
    private readonly mail: MailService,
    private readonly views: ViewService,
    private readonly publishedProposals: PublishedProposalsService,
  ) {}

  @OrganizerOnly()
  @Get('organizer/campaigns/:id/results')
  async page(@Param('id') id: string, @Query('done') done: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.render(id, req, reply, 200, { flash: flashFor(done, DONE) });
  }

  @OrganizerOnly()
  @Post('organizer/campaigns/:id/results/refresh')
  async refresh(@Param('id') id: string, @Res() reply: FastifyReply) {
    await this.results.requestRefreshNow(id);
    return reply.redirect(`/organizer/campaigns/${id}/results?done=refresh`, 303);
  }

  @OrganizerOnly()
  @Post('organizer/campaigns/:id/reports')
  async requestReport(
    @Param('id') id: string,
    @Body() body: Record<string, unknown> | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    const kind = String(body?.kind ?? '');
    const format = String(body?.format ?? '');
    const fieldErrors: Record<string, string> = {};
    if (!(Object.values(ReportKind) as string[]).includes(kind)) fieldErrors.kind = 'Выберите содержание отчёта';
    const choice = Object.hasOwn(PAGE_FORMATS, format) ? PAGE_FORMATS[format] : undefined;
    if (!choice) fieldErrors.format = 'Выберите формат файла';
    if (!choice || Object.keys(fieldErrors).length) {
      return this.render(id, req, reply, 400, {
        formError: 'Отчёт не заказан: исправьте отмеченные поля',
        formErrors: errorSummary(fieldErrors, (field) => `${field}-fieldset`),
        fieldErrors,
        values: { kind, format },
      });
    }
    await this.reports.requestReport(id, kind as ReportKind, choice.format, user.id, choice.csvDialect);
    return reply.redirect(`/organizer/campaigns/${id}/results?done=report#reports`, 303);
  }

  @OrganizerOnly()
  @Post('organizer/campaigns/:id/results/publication')
  async publish(
    @Param('id') id: string,
    @Body() body: Record<string, unknown> | undefined,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    const published = String(body?.published ?? '') === 'true';
    await this.results.setPublished(user.id, id, published);
    return reply.redirect(`/organizer/campaigns/${id}/results?done=${published ? 'published' : 'unpublished'}`, 303);
  }

  /** The download link of pages and of the report email (a login page first when there is no session). */
  @OrganizerOnly()
  @Get('organizer/reports/:id/file')
  async download(@Param('id') id: string, @Res() reply: FastifyReply) {
    const file = await this.reports.file(id);
    reply.header('content-type', file.contentType).header('content-disposition', contentDisposition(file.fileName));
    if (file.size !== null) reply.header('content-length', String(file.size));
    return reply.send(file.stream);
  }

  @Public()
  @Get('c/:slug/results')
  async publicResults(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const campaign = await this.results.campaignBySlug(slug);
    if (!campaign || !campaign.resultsPublished || !PUBLIC_STAGES.includes(campaign.status)) {
      throw new DomainError(ErrorCode.NotFound, 'Итоги этой кампании не опубликованы');
    }
    const [snapshot, proposalsSummary] = await Promise.all([
      this.results.latest(campaign.id),
      this.publishedProposals.forPage(campaign.id),
    ]);
    return sendPage(reply, this.views, req, 'pages/public/results', {
      title: `Итоги: ${campaign.title}`,
      campaign,
      results: snapshot ? resultsPageModel(snapshot, { withExperts: false }) : null,
      proposalsSummary,
    });
  }

  private async render(id: string, req: FastifyRequest, reply: FastifyReply, status: number, extra: Record<string, unknown>) {
    const campaign = await this.results.campaignOrFail(id);
    const [snapshot, reports, failedMails] = await Promise.all([
      this.results.latest(id),
      this.reports.forCampaign(id),
      this.mail.failedFor(id),
    ]);
    return sendPage(
      reply,
      this.views,
      req,
      'pages/organizer/results',
      {
        title: `Результаты: ${campaign.title}`,
        campaign: { ...campaign, statusLabel: CAMPAIGN_STATUS_LABELS[campaign.status] },
        results: snapshot ? resultsPageModel(snapshot, { withExperts: true }) : null,
        answersUrl: `/organizer/campaigns/${id}/results/answers`,
        questions: (snapshot?.discussion.questions ?? []).map((q) => ({
          id: q.questionId,
          label: `${q.documentId ? `${snapshot!.documents.find((d) => d.documentId === q.documentId)?.title ?? ''}: ` : ''}${q.text}`,
        })),
        dimensions: DIMENSIONS,
        values: { kind: 'full', format: 'xlsx', questionId: '', by: '' },
        errors: {},
        reports: reportRows(reports),
        anyPending: reports.some((r) => r.status === 'queued' || r.status === 'rendering'),
        failedMails: failedMails.map((m) => ({
          to: m.to,
          kind: mailKindLabel(m.template),
          why: mailFailureInWords(m.lastError),
          createdAt: m.createdAt,
        })),
        publicStage: PUBLIC_STAGES.includes(campaign.status),
        fieldErrors: {},
        ...extra,
      },
      status,
    );
  }
}
