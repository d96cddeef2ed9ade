import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { DomainError, ErrorCode } from '../common/domain-error';
import { formRefusal } from '../common/form-refusal';
import { isConfirmed, refusalView, sendConfirmPage } from '../common/page-form';
import { pageContext } from '../common/page-context';
import { ViewService } from '../common/view.service';
import { ReferenceService } from '../reference/reference.service';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ExpertRegistryService } from './expert-registry.service';
import { AssignmentPageService } from './assignment-page.service';
import { sendPage } from '../common/page-form';
import { CAMPAIGN_STATUS_LABELS, CampaignStatus } from '../campaigns/campaign-status';
import { EXPERT_STATUS_LABELS, ExpertAction, expertActionAllowed, ExpertStatus } from './expert-status';

const HTML = 'text/html; charset=utf-8';
const ACTIONS: string[] = Object.values(ExpertAction);
const DONE: Record<string, string> = {
  approve: 'Эксперт одобрен, ему отправлено письмо.',
  reject: 'Заявка отклонена, заявителю отправлено письмо.',
  suspend: 'Эксперт приостановлен.',
  restore: 'Эксперт восстановлен.',
};

/** The registry's fields in the words of their labels (a refusal names them so). */
const REGISTRY_LABELS = {
  reason: 'Причина',
  email: 'Электронная почта',
  status: 'Статус',
  territoryId: 'Территория',
  competence: 'Компетенция',
};

/** Organizer pages: the registry with decisions (a campaign's assignments are OrganizerAssignmentsPagesController). */
@ApiExcludeController()
@OrganizerOnly()
@Controller('organizer')
export class OrganizerExpertsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly registry: ExpertRegistryService,
    private readonly assignmentPages: AssignmentPageService,
    private readonly reference: ReferenceService,
  ) {}

  private async registryPage(req: FastifyRequest, q: Record<string, string | undefined>, error?: DomainError, errorFor?: string) {
    const filter = { status: q.status || undefined, competence: q.competence || undefined, territoryId: q.territoryId || undefined };
    const [experts, territories, lists] = await Promise.all([
      this.registry.list(filter),
      this.reference.territories(),
      this.reference.codeLists(),
    ]);
    const directionName = new Map(lists.directions.map((d) => [d.code, d.name]));
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
    return this.views.render(
      'pages/organizer/experts',
      pageContext(req, {
        title: 'Реестр экспертов',
        filter,
        exportUrl: `/api/v1/experts/export.xlsx${query ? `?${query}` : ''}`,
        statuses: Object.values(ExpertStatus).map((s) => ({ code: s, name: EXPERT_STATUS_LABELS[s], selected: s === filter.status })),
        territories: territories.map((t) => ({
          id: t.id,
          label: `${t.name} (${TERRITORY_KIND_LABELS[t.kind]})`,
          selected: t.id === filter.territoryId,
        })),
        directions: lists.directions.map((d) => ({ ...d, selected: d.code === filter.competence })),
        experts: experts.map((e) => ({
          ...e,
          statusLabel: EXPERT_STATUS_LABELS[e.status],
          competenceNames: e.competences.map((c) => directionName.get(c) ?? c).join(', '),
          territoryLabel: `${e.territory.name} (${TERRITORY_KIND_LABELS[e.territory.kind]})`,
          // approving a suspended expert is «restore» on the page
          canApprove: expertActionAllowed(ExpertAction.Approve, e.status) && e.status === ExpertStatus.Applied,
          canReject: expertActionAllowed(ExpertAction.Reject, e.status),
          canSuspend: expertActionAllowed(ExpertAction.Suspend, e.status),
          canRestore: expertActionAllowed(ExpertAction.Restore, e.status),
          error:
            errorFor === e.id && error
              ? refusalView(error, REGISTRY_LABELS)
                  .formErrors.map((x) => x.message)
                  .join(' ')
              : undefined,
        })),
        flash: q.done && DONE[q.done] ? { kind: 'success', message: DONE[q.done] } : undefined,
        formError:
          error && !errorFor
            ? refusalView(error, REGISTRY_LABELS)
                .formErrors.map((x) => x.message)
                .join(' ')
            : undefined,
      }),
    );
  }

  @Get('experts')
  async experts(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() q: Record<string, string>) {
    try {
      return reply.type(HTML).send(await this.registryPage(req, q ?? {}));
    } catch (err) {
      if (!(err instanceof DomainError) || err.status !== 400) throw err;
      return reply
        .status(400)
        .type(HTML)
        .send(await this.registryPage(req, {}, err));
    }
  }

  /** One expert: the registry entry and the history of participation (campaigns, reviews on time, late, not done). */
  @Get('experts/:id')
  async expert(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string) {
    const [expert, history, lists] = await Promise.all([
      this.registry.get(id),
      this.assignmentPages.history(id),
      this.reference.codeLists(),
    ]);
    const directionName = new Map(lists.directions.map((d) => [d.code, d.name]));
    const rows = history.map((h) => ({ ...h, statusLabel: CAMPAIGN_STATUS_LABELS[h.campaign_status as CampaignStatus] ?? '' }));
    const sum = (k: 'assigned' | 'submitted' | 'on_time' | 'late' | 'not_done') => rows.reduce((n, r) => n + r[k], 0);
    return sendPage(reply, this.views, req, 'pages/organizer/expert', {
      title: expert.fullName,
      expert: {
        ...expert,
        statusLabel: EXPERT_STATUS_LABELS[expert.status],
        competenceNames: expert.competences
          .map((c) => directionName.get(c) ?? '')
          .filter(Boolean)
          .join(', '),
        territoryLabel: `${expert.territory.name} (${TERRITORY_KIND_LABELS[expert.territory.kind]})`,
      },
      history: rows,
      totals: {
        assigned: sum('assigned'),
        submitted: sum('submitted'),
        onTime: sum('on_time'),
        late: sum('late'),
        notDone: sum('not_done'),
      },
    });
  }

  @Post('experts/:id/:action')
  async decide(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown>,
  ) {
    if (!ACTIONS.includes(action)) throw new DomainError(ErrorCode.NotFound, 'Действие не найдено');
    // a rejection cannot be taken back (the applicant is told by email): it is made only with confirm=yes
    if (action === 'reject' && !isConfirmed(body)) {
      const expert = await this.registry.get(id);
      const reason = typeof body?.reason === 'string' ? body.reason.trim() : '';
      return sendConfirmPage(reply, this.views, req, {
        title: 'Отклонить заявку?',
        consequence: `Заявка «${expert.fullName}» будет отклонена, заявителю уйдёт письмо${reason ? ` с причиной: «${reason}»` : ' без указания причины'}.`,
        action: `/organizer/experts/${id}/reject`,
        fields: { reason },
        confirmLabel: 'Да, отклонить заявку',
        cancelUrl: `/organizer/experts#expert-${id}`,
        danger: true,
      });
    }
    try {
      await this.registry.changeStatus(user.id, id, action as ExpertAction, body?.reason);
    } catch (err) {
      const refusal = formRefusal(err);
      return reply
        .status(refusal.status)
        .type(HTML)
        .send(await this.registryPage(req, {}, refusal, id));
    }
    return reply.redirect(`/organizer/experts?done=${action}`, 303);
  }
}
