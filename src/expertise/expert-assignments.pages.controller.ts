import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { DomainError } from '../common/domain-error';
import { isConfirmed, sendConfirmPage, sendPage, submitForm } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { ProposalsSummaryService } from '../proposals/proposals-summary.service';
import { assignmentStatusLabel, expertiseClosed } from './assignment-status';
import { ExpertRegistryService } from './expert-registry.service';
import { ExpertStatus } from './expert-status';
import { PostedScore, postedScores, reviewComplete, reviewPageModel } from './review-page';
import { MyAssignmentDetail, ReviewsService } from './reviews.service';

type Form = Record<string, unknown>;

/** The expert's own pages: the assigned documents, and the review of each (scores, recommendation, submit). */
@ApiExcludeController()
@Roles(Role.Expert)
@Controller('expert/assignments')
export class ExpertAssignmentsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly registry: ExpertRegistryService,
    private readonly reviews: ReviewsService,
    private readonly proposalsSummary: ProposalsSummaryService,
  ) {}

  @Get()
  async myAssignments(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: AuthUser) {
    const [profile, assignments] = await Promise.all([this.registry.get(user.id).catch(() => null), this.reviews.listMine(user.id)]);
    return sendPage(reply, this.views, req, 'pages/expert/assignments', {
      title: 'Мои экспертизы',
      approved: profile?.status === ExpertStatus.Approved,
      profileStatus: profile?.status,
      emailConfirmed: profile?.emailConfirmed,
      assignments: assignments.map((a) => ({
        ...a,
        late: a.late && !expertiseClosed(a.campaign.status),
        closed: expertiseClosed(a.campaign.status),
        statusLabel: assignmentStatusLabel(a.status, a.campaign.status),
      })),
    });
  }

  @Get(':id')
  async assignmentPage(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query('saved') saved?: string,
  ) {
    const a = await this.reviews.getMine(user.id, id);
    return this.renderReview(req, reply, a, undefined, undefined, saved);
  }

  @Post(':id')
  async assignmentSubmit(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Form,
  ) {
    const a = await this.reviews.getMine(user.id, id);
    const form = body ?? {};
    const submit = form.action === 'submit';
    // the final submit cannot be undone: without confirm=yes the review is kept as a draft and the consequence is asked
    const confirmFirst = submit && !isConfirmed(form);
    const scores = postedScores(a, form);
    const save = () =>
      this.reviews.saveReview(user.id, id, {
        scores,
        recommendation: typeof form.recommendation === 'string' && form.recommendation ? form.recommendation : null,
        comment: String(form.comment ?? ''),
        // an incomplete review is refused by the submit itself (nothing is written); a complete one waits for confirm=yes
        submit: submit && (!confirmFirst || !reviewComplete(a, scores, form.recommendation)),
      });
    return submitForm(
      save,
      () =>
        confirmFirst
          ? this.confirmSubmit(req, reply, id, a, form, scores)
          : reply.redirect(`/expert/assignments/${id}?saved=${submit ? 'submitted' : 'draft'}`, 303),
      async (refusal) => {
        // a conflict (submitted meanwhile, stage closed) shows the review as it now is; other refusals keep what was typed
        const fresh = refusal.isStateConflict ? await this.reviews.getMine(user.id, id) : a;
        return this.renderReview(req, reply, fresh, refusal.isStateConflict ? undefined : form, refusal);
      },
    );
  }

  private async renderReview(
    req: FastifyRequest,
    reply: FastifyReply,
    a: MyAssignmentDetail,
    form?: Form,
    error?: DomainError,
    saved?: string,
  ) {
    // what changed since the discussion: the document's versions with their notes and the summary of its proposals
    const changes = await this.proposalsSummary.documents(a.campaign.id, a.document.id);
    return sendPage(
      reply,
      this.views,
      req,
      'pages/expert/assignment',
      reviewPageModel(a, changes, form, error, saved),
      error?.status ?? 200,
    );
  }

  private confirmSubmit(req: FastifyRequest, reply: FastifyReply, id: string, a: MyAssignmentDetail, form: Form, scores: PostedScore[]) {
    return sendConfirmPage(reply, this.views, req, {
      title: 'Отправить оценку?',
      consequence: `Оценка документа «${a.document.title}» будет отправлена организаторам; изменить её после отправки нельзя. Оценено критериев: ${scores.length} из ${a.criteria.length}.`,
      details: ['Черновик сохранён: если нужно что-то исправить, вернитесь к оценке.'],
      action: `/expert/assignments/${id}`,
      fields: { ...form, action: 'submit' },
      confirmLabel: 'Да, отправить оценку',
      cancelUrl: `/expert/assignments/${id}`,
    });
  }
}
