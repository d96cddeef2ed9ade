import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Public } from '../accounts/current-user';
import { CAMPAIGN_STATUS_LABELS, CampaignStatus } from '../campaigns/campaign-status';
import { DomainError, ErrorCode } from '../common/domain-error';
import { HTML, sendInLayout, sendPage } from '../common/page-form';
import { requestIp } from '../common/request-ip';
import { accepts } from '../common/compression';
import { ViewService } from '../common/view.service';
import { PublishedResultsRepository } from '../results/published-results.repository';
import { Problem } from './questionnaire';
import { OrganizationRow } from '../reference/organizations.repository';
import { FormBody, formToSubmission } from './questionnaire-form';
import { QuestionnairePageService } from './questionnaire-page.service';
import { CampaignMeta, QuestionnaireService } from './questionnaire.service';
import { RECEIPT_RE } from './receipt';
import { SubmissionInvalidError, SubmissionService } from './submission.service';

/** The respondents' pages: server-rendered, no JavaScript needed, post/redirect/get. */
@ApiExcludeController()
@Controller()
export class PublicPagesController {
  constructor(
    private readonly questionnaires: QuestionnaireService,
    private readonly submissions: SubmissionService,
    private readonly views: ViewService,
    private readonly pages: QuestionnairePageService,
    private readonly published: PublishedResultsRepository,
  ) {}

  @Public()
  @Get()
  async index(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const [campaigns, finished] = await Promise.all([this.questionnaires.openCampaigns(), this.published.finished()]);
    return sendPage(reply, this.views, req, 'pages/public/index', {
      title: 'Открытые обсуждения',
      campaigns,
      finished: finished.map((c) => ({ ...c, resultsUrl: c.results_published ? `/c/${c.slug}/results` : null })),
    });
  }

  @Public()
  @Get('c/:slug')
  async campaign(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const campaign = await this.questionnaires.campaign(slug);
    const [documents, resultsPublic] = await Promise.all([
      this.questionnaires.documents(campaign.id),
      this.published.resultsPublic(campaign.id),
    ]);
    return sendPage(reply, this.views, req, 'pages/public/campaign', {
      title: campaign.title,
      campaign,
      documents,
      statusLabel: CAMPAIGN_STATUS_LABELS[campaign.status],
      open: isOpen(campaign),
      resultsUrl: resultsPublic ? `/c/${campaign.slug}/results` : null,
    });
  }

  @Public()
  @Get('c/:slug/form')
  async form(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const campaign = await this.questionnaires.campaign(slug);
    if (!isOpen(campaign)) return this.closed(req, reply, campaign);
    // the key is issued with the form: a second click or a reload of the POST carries the same key and stores nothing twice
    const key = randomUUID();
    if (!req.user) {
      const page = await this.pages.anonymousPage(campaign, key, accepts(String(req.headers['accept-encoding'] ?? ''), 'gzip'));
      void reply.type(HTML).header('vary', 'accept-encoding');
      // already compressed: the compression hook leaves a reply with a Content-Encoding alone
      if (page.gzip) void reply.header('content-encoding', 'gzip');
      return reply.send(page.payload);
    }
    const body = await this.pages.blankBody(campaign, key);
    return sendInLayout(reply, this.views, req, body, this.pages.layoutContext(campaign, false));
  }

  @Public()
  @Post('c/:slug/form')
  async submit(@Param('slug') slug: string, @Body() body: FormBody, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const posted: FormBody = body && typeof body === 'object' ? body : {};
    const campaign = await this.questionnaires.campaign(slug);
    const questionnaire = await this.questionnaires.questionnaire(campaign);
    // a typed organization name is looked up in the chosen territory's registry first
    const organization = await this.pages.resolveOrganization(posted);
    const form: FormBody = {
      ...posted,
      organizationId: organization.organizationId,
      organizationName: organization.organizationName,
      organizationChoice: undefined,
    };
    const shown: FormBody = { ...form, organizationName: organization.shownName, organizationChoice: posted.organizationChoice };
    if (organization.candidates.length) return this.confirmOrganization(req, reply, campaign, form, shown, organization.candidates);
    try {
      const result = await this.submissions.submit(slug, formToSubmission(questionnaire, form), form.key, {
        ip: requestIp(req),
        userAgent: String(req.headers['user-agent'] ?? ''),
      });
      return reply.redirect(`/c/${encodeURIComponent(slug)}/thanks?receipt=${encodeURIComponent(result.receipt)}`, 303);
    } catch (err) {
      if (err instanceof SubmissionInvalidError) return this.renderForm(req, reply, campaign, shown, err.problems, err.status);
      if (err instanceof DomainError && err.code === ErrorCode.ValidationFailed && Object.keys(err.fieldErrors).length) {
        const problems: Problem[] = Object.entries(err.fieldErrors).map(([field, message]) => ({
          path: field,
          field,
          message,
          status: 400,
        }));
        return this.renderForm(req, reply, campaign, shown, problems, 400);
      }
      if (err instanceof DomainError && err.code === ErrorCode.IdempotencyMismatch) {
        // an error page like the error filter's (no layout context), with a status of its own and words for this case
        const html = this.views.render('pages/error', {
          title: 'Анкета уже отправлена',
          statusCode: 422,
          message: 'Эта анкета уже была отправлена с другими ответами. Чтобы ответить ещё раз, откройте анкету заново.',
        });
        return reply.status(422).type(HTML).send(html);
      }
      throw err;
    }
  }

  @Public()
  @Get('c/:slug/thanks')
  async thanks(
    @Param('slug') slug: string,
    @Query('receipt') receipt: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const campaign = await this.questionnaires.campaign(slug);
    const shown = typeof receipt === 'string' && RECEIPT_RE.test(receipt) ? receipt : '';
    return sendPage(reply, this.views, req, 'pages/public/thanks', { title: 'Спасибо за участие', campaign, receipt: shown });
  }

  /**
   * The typed name matched several registry entries (or one loosely): the form comes back with them to choose from,
   * everything typed kept, nothing stored. Other problems of the form are shown at the same time.
   */
  private async confirmOrganization(
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: CampaignMeta,
    form: FormBody,
    shown: FormBody,
    candidates: OrganizationRow[],
  ) {
    let problems: Problem[] = [];
    try {
      await this.submissions.validate(campaign, formToSubmission(await this.questionnaires.questionnaire(campaign), form));
    } catch (err) {
      if (!(err instanceof SubmissionInvalidError)) throw err;
      problems = err.problems;
    }
    return this.renderForm(req, reply, campaign, shown, problems, problems.length ? 400 : 200, candidates);
  }

  private async renderForm(
    req: FastifyRequest,
    reply: FastifyReply,
    campaign: CampaignMeta,
    form: FormBody,
    problems: Problem[],
    status: number,
    candidates: OrganizationRow[] = [],
  ) {
    const { body, formErrors } = await this.pages.filledBody(campaign, form, problems, candidates);
    const context: Record<string, unknown> = { ...this.pages.layoutContext(campaign, problems.length > 0), formErrors };
    if (candidates.length && !problems.length) {
      context.flash = {
        kind: 'info',
        message: 'Анкета ещё не отправлена: уточните организацию в разделе «О себе» и отправьте анкету снова.',
      };
    }
    return sendInLayout(reply, this.views, req, body, context, status);
  }

  private closed(req: FastifyRequest, reply: FastifyReply, campaign: CampaignMeta) {
    const message = `Обсуждение «${campaign.title}» сейчас не принимает ответы.`;
    return sendPage(reply, this.views, req, 'pages/error', { title: 'Приём ответов закрыт', statusCode: 409, message }, 409);
  }
}

/** For display only; the write checks the stage with the database clock. */
function isOpen(c: CampaignMeta): boolean {
  return c.status === CampaignStatus.Discussion && (!c.closesAt || new Date(c.closesAt).getTime() > Date.now());
}
