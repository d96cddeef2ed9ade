import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, Public, Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { DomainError } from '../common/domain-error';
import { AppConfig } from '../config/app.config';
import { formRefusal } from '../common/form-refusal';
import { isConfirmed, refusalView, sendConfirmPage, sendPage, splitFieldMessage } from '../common/page-form';
import { pageContext } from '../common/page-context';
import { requestIp } from '../common/request-ip';
import { ViewService } from '../common/view.service';
import { ProposalsSummaryService, SummaryDocumentView } from '../proposals/proposals-summary.service';
import { ReferenceService } from '../reference/reference.service';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ExpertApplicationsService } from './expert-applications.service';
import { ExpertRegistryService } from './expert-registry.service';
import { assignmentStatusLabel, expertiseClosed } from './assignment-status';
import { ExpertStatus } from './expert-status';
import { MyAssignmentDetail, ReviewsService } from './reviews.service';
import { RegistryUpkeepService } from './registry-upkeep.service';

const HTML = 'text/html; charset=utf-8';

const CONFIRM_MESSAGES = {
  confirmed: {
    title: 'Адрес подтверждён',
    text: 'Спасибо! Адрес электронной почты подтверждён. Заявку рассмотрят организаторы; о решении мы сообщим письмом.',
  },
  used: {
    title: 'Ссылка уже использована',
    text: 'Эта ссылка уже была использована: адрес подтверждён ранее. Повторно подтверждать его не нужно.',
  },
  expired: {
    title: 'Срок действия ссылки истёк',
    text: 'Срок действия ссылки истёк. Обратитесь к организаторам, чтобы получить новую ссылку.',
  },
  unknown: { title: 'Ссылка недействительна', text: 'Ссылка недействительна. Проверьте, что она скопирована из письма полностью.' },
} as const;

/** Public registry pages (application, confirmation) and the expert's own pages (assignments, scoring). */
@ApiExcludeController()
@Controller()
export class ExpertPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly registry: ExpertRegistryService,
    private readonly applications: ExpertApplicationsService,
    private readonly reviews: ReviewsService,
    private readonly reference: ReferenceService,
    private readonly proposalsSummary: ProposalsSummaryService,
    private readonly upkeep: RegistryUpkeepService,
    private readonly config: AppConfig,
  ) {}

  private async applyForm(req: FastifyRequest, values: Record<string, unknown>, error?: DomainError) {
    const [territories, lists] = await Promise.all([this.reference.territories(), this.reference.codeLists()]);
    const chosen = values.competences === undefined ? [] : ([] as unknown[]).concat(values.competences);
    return this.views.render(
      'pages/experts/apply',
      pageContext(req, {
        title: 'Заявка в реестр экспертов',
        values,
        privacyPolicyUrl: this.config.PRIVACY_POLICY_URL,
        territories: territories
          .filter((t) => t.active)
          .map((t) => ({ id: t.id, label: `${t.name} (${TERRITORY_KIND_LABELS[t.kind]})`, selected: t.id === values.territoryId })),
        directions: lists.directions.map((d) => ({ ...d, checked: chosen.includes(d.code) })),
        errors: error?.fieldErrors ?? {},
        formError: error
          ? Object.keys(error.fieldErrors).length
            ? 'Заявка не отправлена: исправьте ошибки, отмеченные ниже.'
            : plainText(error)
          : undefined,
        formErrors: error ? Object.entries(error.fieldErrors).map(([field, message]) => ({ field, message })) : undefined,
      }),
    );
  }

  @Public()
  @Get('experts/apply')
  async applyPage(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return reply.type(HTML).send(await this.applyForm(req, {}));
  }

  @Public()
  @Post('experts/apply')
  async applySubmit(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const values = { ...(body ?? {}) };
    delete values.password;
    try {
      await this.applications.apply(body ?? {}, requestIp(req));
    } catch (err) {
      if (!(err instanceof DomainError) || err.status >= 500) throw err;
      return reply
        .status(err.status)
        .type(HTML)
        .send(await this.applyForm(req, values, err));
    }
    return reply
      .status(200)
      .type(HTML)
      .send(this.views.render('pages/experts/applied', pageContext(req, { title: 'Заявка отправлена', email: values.email })));
  }

  @Public()
  @Get('experts/confirm')
  async confirm(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('token') token?: string) {
    const outcome = await this.applications.confirmEmail(String(token ?? ''));
    const msg = CONFIRM_MESSAGES[outcome];
    return reply
      .status(outcome === 'confirmed' ? 200 : outcome === 'unknown' ? 404 : 410)
      .type(HTML)
      .send(
        this.views.render('pages/experts/confirm', pageContext(req, { title: msg.title, text: msg.text, ok: outcome === 'confirmed' })),
      );
  }

  @Public()
  @Get('experts/confirm/resend')
  resendPage(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return sendPage(reply, this.views, req, 'pages/experts/resend', { title: 'Отправить письмо ещё раз', values: {}, errors: {} });
  }

  /** The applicant asks for the confirmation email again; the answer never tells whether the address applied. */
  @Public()
  @Post('experts/confirm/resend')
  async resend(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const email = typeof body?.email === 'string' ? body.email.slice(0, 254) : '';
    try {
      await this.upkeep.resendConfirmation(email, requestIp(req));
    } catch (err) {
      const view = refusalView(err, { email: 'Адрес электронной почты' });
      return sendPage(
        reply,
        this.views,
        req,
        'pages/experts/resend',
        { title: 'Отправить письмо ещё раз', values: { email }, ...view },
        view.status,
      );
    }
    return sendPage(reply, this.views, req, 'pages/experts/resend', {
      title: 'Отправить письмо ещё раз',
      sent: true,
      values: { email },
      errors: {},
    });
  }

  @Roles(Role.Expert)
  @Get('expert/assignments')
  async myAssignments(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: AuthUser) {
    const [profile, assignments] = await Promise.all([this.registry.get(user.id).catch(() => null), this.reviews.listMine(user.id)]);
    return reply.type(HTML).send(
      this.views.render(
        'pages/expert/assignments',
        pageContext(req, {
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
        }),
      ),
    );
  }

  /** What changed since the discussion: the document's versions with their notes and the summary of its proposals. */
  private changes(a: MyAssignmentDetail): Promise<SummaryDocumentView[]> {
    return this.proposalsSummary.documents(a.campaign.id, a.document.id);
  }

  private renderAssignment(
    req: FastifyRequest,
    a: MyAssignmentDetail,
    changes: SummaryDocumentView[],
    form?: Record<string, unknown>,
    error?: DomainError,
    saved?: string,
  ) {
    // what the form shows: the values just posted (when refused) or the stored review
    const stored = new Map(a.scores.map((s) => [s.criterionId, s]));
    const criteria = a.criteria.map((c, i) => {
      const score = form ? String(form[`score_${c.id}`] ?? '') : stored.has(c.id) ? String(stored.get(c.id)!.score) : '';
      const comment = form ? String(form[`comment_${c.id}`] ?? '') : (stored.get(c.id)?.comment ?? '');
      return {
        ...c,
        number: i + 1,
        comment,
        scoreLabel: a.scale.find((s) => String(s.score) === score)?.label ?? '',
        score,
        options: a.scale.map((s) => ({ ...s, checked: String(s.score) === score })),
        scoreError: error?.fieldErrors[`score_${c.id}`],
        commentError: error?.fieldErrors[`comment_${c.id}`],
      };
    });
    const recommendation = form ? String(form.recommendation ?? '') : (a.recommendation ?? '');
    const fieldErrors = error?.fieldErrors ?? {};
    return this.views.render(
      'pages/expert/assignment',
      pageContext(req, {
        title: a.document.title,
        a,
        proposalsSummary: changes,
        statusLabel: assignmentStatusLabel(a.status, a.campaign.status),
        closed: expertiseClosed(a.campaign.status),
        criteria,
        recommendations: a.recommendations.map((r) => ({ ...r, checked: r.code === recommendation })),
        recommendationName: a.recommendations.find((r) => r.code === recommendation)?.name ?? '',
        recommendationError: fieldErrors.recommendation,
        comment: form ? String(form.comment ?? '') : a.comment,
        commentError: fieldErrors.comment,
        flash:
          saved === 'draft'
            ? { kind: 'success', message: 'Черновик сохранён.' }
            : saved === 'submitted'
              ? { kind: 'success', message: 'Оценка отправлена. Спасибо!' }
              : undefined,
        formError: error
          ? `Оценка не сохранена: ${error.status === 400 || error.status === 422 ? 'исправьте ошибки, отмеченные ниже.' : plainText(error)}`
          : undefined,
        formErrors: error
          ? Object.entries(fieldErrors).map(([field, message]) => ({
              field: field.startsWith('score_')
                ? `${field}_0`
                : field === 'recommendation'
                  ? `recommendation_${a.recommendations[0]?.code}`
                  : field,
              message: `${criteria.find((c) => field.endsWith(c.id)) ? `Критерий ${criteria.find((c) => field.endsWith(c.id))!.number}: ` : ''}${message}`,
            }))
          : undefined,
      }),
    );
  }

  @Roles(Role.Expert)
  @Get('expert/assignments/:id')
  async assignmentPage(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Query('saved') saved?: string,
  ) {
    const a = await this.reviews.getMine(user.id, id);
    return reply.type(HTML).send(this.renderAssignment(req, a, await this.changes(a), undefined, undefined, saved));
  }

  @Roles(Role.Expert)
  @Post('expert/assignments/:id')
  async assignmentSubmit(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
  ) {
    const a = await this.reviews.getMine(user.id, id);
    const form = body ?? {};
    const submit = form.action === 'submit';
    // the final submit cannot be undone: without confirm=yes the review is kept as a draft and the consequence is asked
    const confirmFirst = submit && !isConfirmed(form);
    const scores = a.criteria
      .filter((c) => form[`score_${c.id}`] !== undefined && form[`score_${c.id}`] !== '')
      .map((c) => ({ criterionId: c.id, score: Number(form[`score_${c.id}`]), comment: String(form[`comment_${c.id}`] ?? '') }));
    try {
      await this.reviews.saveReview(user.id, id, {
        scores,
        recommendation: typeof form.recommendation === 'string' && form.recommendation ? form.recommendation : null,
        comment: String(form.comment ?? ''),
        // an incomplete review is refused by the submit itself (nothing is written); a complete one waits for confirm=yes
        submit: submit && (!confirmFirst || !reviewComplete(a, scores, form.recommendation)),
      });
      if (confirmFirst) {
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
    } catch (err) {
      const refusal = formRefusal(err);
      const fresh = refusal.status === 409 ? await this.reviews.getMine(user.id, id) : a;
      return reply
        .status(refusal.status)
        .type(HTML)
        .send(this.renderAssignment(req, fresh, await this.changes(fresh), refusal.status === 409 ? undefined : form, refusal));
    }
    return reply.redirect(`/expert/assignments/${id}?saved=${submit ? 'submitted' : 'draft'}`, 303);
  }
}

/** Whether a posted review would pass the final submit's completeness rules (every criterion, comments on 0s, a recommendation). */
function reviewComplete(
  a: MyAssignmentDetail,
  scores: { criterionId: string; score: number; comment: string }[],
  recommendation: unknown,
): boolean {
  const byId = new Map(scores.map((s) => [s.criterionId, s]));
  const scored = a.criteria.every((c) => byId.has(c.id) && (byId.get(c.id)!.score !== 0 || byId.get(c.id)!.comment.trim() !== ''));
  return scored && typeof recommendation === 'string' && recommendation !== '';
}

/** A refusal's text for a banner: the API's field keys taken off (`campaign: оценки принимаются…` → `оценки принимаются…`). */
function plainText(error: DomainError): string {
  return ([] as string[])
    .concat(error.messages)
    .map((m) => splitFieldMessage(m).text)
    .join('; ');
}
