import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { DomainError, ErrorCode } from '../common/domain-error';
import { flashFor, isConfirmed, postRedirectGet, refusalView, sendConfirmPage, sendPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { ReferenceService } from '../reference/reference.service';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ExpertRegistryService } from './expert-registry.service';
import { AssignmentPageService } from './assignment-page.service';
import { CAMPAIGN_STATUS_LABELS, CampaignStatus } from '../campaigns/campaign-status';
import { EXPERT_STATUS_LABELS, ExpertAction, expertActionAllowed, ExpertStatus } from './expert-status';

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

/** A refusal in one line, each field named by its label. */
const refusalLine = (error: DomainError) =>
  refusalView(error, REGISTRY_LABELS)
    .formErrors.map((x) => x.message)
    .join(' ');

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

  /** The registry; a refusal goes next to the expert it is about (`errorFor`), or above the list. */
  private async registryPage(
    req: FastifyRequest,
    reply: FastifyReply,
    q: Record<string, string | undefined>,
    error?: DomainError,
    errorFor?: string,
  ) {
    const filter = { status: q.status || undefined, competence: q.competence || undefined, territoryId: q.territoryId || undefined };
    const [experts, territories, lists] = await Promise.all([
      this.registry.list(filter),
      this.reference.territories(),
      this.reference.codeLists(),
    ]);
    const directionName = new Map(lists.directions.map((d) => [d.code, d.name]));
    const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
    return sendPage(
      reply,
      this.views,
      req,
      'pages/organizer/experts',
      {
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
          error: errorFor === e.id && error ? refusalLine(error) : undefined,
        })),
        flash: flashFor(q.done, DONE),
        formError: error && !errorFor ? refusalLine(error) : undefined,
      },
      error?.status ?? 200,
    );
  }

  @Get('experts')
  async experts(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() q: Record<string, string>) {
    try {
      return await this.registryPage(req, reply, q ?? {});
    } catch (err) {
      // a malformed filter: the whole registry, with the reason above it
      if (!(err instanceof DomainError) || err.code !== ErrorCode.ValidationFailed) throw err;
      return this.registryPage(req, reply, {}, err);
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
    return postRedirectGet(
      reply,
      () => this.registry.changeStatus(user.id, id, action as ExpertAction, body?.reason),
      `/organizer/experts?done=${action}`,
      (refusal) => this.registryPage(req, reply, {}, refusal, id),
    );
  }
}
