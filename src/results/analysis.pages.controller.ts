import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OrganizerOnly } from '../accounts/current-user';
import { CAMPAIGN_STATUS_LABELS, CampaignStatus } from '../campaigns/campaign-status';
import { DomainError, ErrorCode } from '../common/domain-error';
import { formRefusal } from '../common/form-refusal';
import { errorSummary, sendPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { contentDisposition } from '../reports/reports.controller';
import { breakdownCsv, breakdownXlsx } from './breakdown-export';
import { Breakdown, BreakdownService, DIMENSIONS } from './breakdown.service';
import { AnswersQuery, AnswersService, parseAnswersQuery, SEARCH_MAX } from './answers.service';
import { ResultsService } from './results.service';
import { RoundsService } from './rounds.service';

/** The organizer's analysis pages: a question broken down by a group, the free-text answers, the rounds compared. */
@ApiExcludeController()
@OrganizerOnly()
@Controller('organizer')
export class AnalysisPagesController {
  constructor(
    private readonly results: ResultsService,
    private readonly breakdowns: BreakdownService,
    private readonly answers: AnswersService,
    private readonly rounds: RoundsService,
    private readonly views: ViewService,
  ) {}

  @Get('campaigns/:id/results/breakdown')
  async breakdown(
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const campaign = await this.results.campaignOrFail(id);
    const values = { questionId: String(query.questionId ?? ''), by: String(query.by ?? '') };
    let breakdown: Breakdown | null = null;
    let errors: Record<string, string> = {};
    let status = 200;
    if (values.questionId || values.by) {
      try {
        breakdown = await this.breakdowns.breakdown(id, query.questionId, query.by);
      } catch (err) {
        const refusal = err instanceof DomainError && err.code === ErrorCode.NotFound ? err : formRefusal(err);
        errors = refusal.fieldErrors;
        status = refusal.status;
      }
    }
    const questions = await this.breakdowns.questions(id);
    const exportQuery = breakdown ? `questionId=${breakdown.questionId}&by=${breakdown.by}` : '';
    const context = {
      title: `Разбивка ответов: ${campaign.title}`,
      campaign,
      questions: questions.map((q) => ({ ...q, label: q.document_title ? `${q.document_title}: ${q.text}` : q.text })),
      dimensions: DIMENSIONS,
      values,
      errors,
      formError: Object.keys(errors).length ? 'Разбивка не построена: исправьте отмеченные поля' : null,
      formErrors: errorSummary(errors),
      breakdown,
      exportQuery,
    };
    return sendPage(reply, this.views, req, 'pages/organizer/breakdown', context, status);
  }

  @Get('campaigns/:id/results/breakdown/export')
  async breakdownExport(@Param('id') id: string, @Query() query: Record<string, unknown>, @Res() reply: FastifyReply) {
    await this.results.campaignOrFail(id);
    const format = query.format === 'csv' ? 'csv' : 'xlsx';
    const b = await this.breakdowns.breakdown(id, query.questionId, query.by);
    const body = format === 'csv' ? breakdownCsv(b) : await breakdownXlsx(b);
    const fileName = `Разбивка — ${b.byLabel.toLowerCase()}.${format}`;
    return reply
      .header(
        'content-type',
        format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      )
      .header('content-disposition', contentDisposition(fileName))
      .send(body);
  }

  @Get('campaigns/:id/results/answers')
  async answersPage(@Param('id') id: string, @Query() query: AnswersQuery, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const campaign = await this.results.campaignOrFail(id);
    const { values, errors, filter, before } = parseAnswersQuery(query);
    const page = await this.answers.page(id, filter, before);
    const nextQuery = page.next ? new URLSearchParams({ ...values, before: page.next }).toString() : '';
    const refused = Object.keys(errors).length > 0;
    const context = {
      title: `Свободные ответы: ${campaign.title}`,
      campaign,
      values,
      errors,
      formError: refused ? 'Поиск не выполнен: исправьте отмеченное поле' : null,
      formErrors: errorSummary(errors),
      searchMax: SEARCH_MAX,
      paged: Boolean(before),
      firstQuery: new URLSearchParams(values).toString(),
      nextQuery,
      ...page,
    };
    return sendPage(reply, this.views, req, 'pages/organizer/answers', context, refused ? 400 : 200);
  }

  @Get('rounds')
  async roundsPage(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const rounds = await this.rounds.rounds();
    return sendPage(reply, this.views, req, 'pages/organizer/rounds', {
      title: 'Сравнение кампаний',
      rounds: rounds.map((r) => ({ ...r, statusLabel: CAMPAIGN_STATUS_LABELS[r.status as CampaignStatus] ?? r.status })),
    });
  }
}
