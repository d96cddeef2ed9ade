import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { CAMPAIGN_STATUS_LABELS } from '../campaigns/campaign-status';
import { DomainError, ErrorCode } from '../common/domain-error';
import { formRefusal } from '../common/form-refusal';
import { pageContext } from '../common/page-context';
import { ViewService } from '../common/view.service';
import { fromWallClock } from '../common/display-time-zone';
import { ReferenceService } from '../reference/reference.service';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { AssignmentsService } from './assignments.service';
import { ExpertAction, ExpertRegistryService } from './expert-registry.service';
import { ASSIGNMENT_STATUS_LABELS, EXPERT_STATUS_LABELS, EXPERT_TRANSITIONS, ExpertStatus } from './expert-status';

const HTML = 'text/html; charset=utf-8';
const ACTIONS: ExpertAction[] = ['approve', 'reject', 'suspend', 'restore'];
const DONE: Record<string, string> = {
  approve: 'Эксперт одобрен, ему отправлено письмо.',
  reject: 'Заявка отклонена, заявителю отправлено письмо.',
  suspend: 'Эксперт приостановлен.',
  restore: 'Эксперт восстановлен.',
  assigned: 'Назначения созданы.',
  removed: 'Назначение удалено.',
  reminded: 'Напоминание отправлено.',
  reopened: 'Оценка возвращена эксперту.',
};

/** <input type="datetime-local"> gives the region's local time (DISPLAY_TIME_ZONE) without a zone. */
function localToIso(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  // anything else goes on as typed, for the DTO's date validation to refuse
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? (fromWallClock(value)?.toISOString() ?? value) : value;
}

/** Organizer pages: the registry with decisions, and a campaign's assignments. */
@ApiExcludeController()
@OrganizerOnly()
@Controller('organizer')
export class OrganizerExpertsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly registry: ExpertRegistryService,
    private readonly assignments: AssignmentsService,
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
          canApprove: EXPERT_TRANSITIONS[e.status].includes(ExpertStatus.Approved) && e.status === ExpertStatus.Applied,
          canReject: EXPERT_TRANSITIONS[e.status].includes(ExpertStatus.Rejected),
          canSuspend: EXPERT_TRANSITIONS[e.status].includes(ExpertStatus.Suspended),
          canRestore: e.status === ExpertStatus.Suspended,
          error: errorFor === e.id ? error?.message : undefined,
        })),
        flash: q.done && DONE[q.done] ? { kind: 'success', message: DONE[q.done] } : undefined,
        formError: error ? error.message : undefined,
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

  @Post('experts/:id/:action')
  async decide(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown>,
  ) {
    if (!ACTIONS.includes(action as ExpertAction)) throw new DomainError(ErrorCode.NotFound, 'Действие не найдено');
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

  private async assignmentsPage(
    req: FastifyRequest,
    campaignId: string,
    done?: string,
    error?: DomainError,
    values: Record<string, unknown> = {},
  ) {
    const [{ campaign, documents, experts }, list, lists] = await Promise.all([
      this.assignments.formOptions(campaignId),
      this.assignments.list(campaignId),
      this.reference.codeLists(),
    ]);
    const chosen = (k: string) => ([] as unknown[]).concat(values[k] ?? []);
    return this.views.render(
      'pages/organizer/assignments',
      pageContext(req, {
        title: `Назначения экспертов — ${campaign.title}`,
        campaign: { ...campaign, statusLabel: CAMPAIGN_STATUS_LABELS[campaign.status as keyof typeof CAMPAIGN_STATUS_LABELS] },
        documents: documents.map((d: Record<string, unknown>) => ({ ...d, checked: chosen('documentIds').includes(d.id) })),
        experts: experts.map((e: Record<string, unknown>) => ({ ...e, checked: chosen('expertIds').includes(e.id) })),
        directions: lists.directions,
        assignments: list.map((a) => ({ ...a, statusLabel: ASSIGNMENT_STATUS_LABELS[a.status] })),
        lateCount: list.filter((a) => a.late).length,
        values,
        flash: done && DONE[done] ? { kind: 'success', message: DONE[done] } : undefined,
        formError: error ? 'Действие не выполнено:' : undefined,
        errorMessages: error ? ([] as string[]).concat(error.messages) : undefined,
        needsOverride: error?.code === ErrorCode.ConflictOfInterest,
      }),
    );
  }

  @Get('campaigns/:id/assignments')
  async assignmentsGet(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query('done') done?: string) {
    return reply.type(HTML).send(await this.assignmentsPage(req, id, done));
  }

  private async run(
    req: FastifyRequest,
    reply: FastifyReply,
    campaignId: string,
    done: string,
    values: Record<string, unknown>,
    fn: () => Promise<unknown>,
  ) {
    try {
      await fn();
    } catch (err) {
      const refusal = formRefusal(err);
      return reply
        .status(refusal.status)
        .type(HTML)
        .send(await this.assignmentsPage(req, campaignId, undefined, refusal, values));
    }
    return reply.redirect(`/organizer/campaigns/${campaignId}/assignments?done=${done}`, 303);
  }

  @Post('campaigns/:id/assignments')
  assign(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
  ) {
    const b = body ?? {};
    return this.run(req, reply, id, 'assigned', b, () =>
      this.assignments.assign(user.id, id, {
        expertIds: ([] as unknown[]).concat(b.expertIds ?? []),
        documentIds: ([] as unknown[]).concat(b.documentIds ?? []),
        dueAt: localToIso(b.dueAt),
        overrideReason: typeof b.overrideReason === 'string' && b.overrideReason.trim() ? b.overrideReason : undefined,
      }),
    );
  }

  @Post('campaigns/:id/assignments/bulk')
  bulk(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
  ) {
    const b = body ?? {};
    return this.run(req, reply, id, 'assigned', {}, () =>
      this.assignments.assignBulk(user.id, id, {
        mode: b.mode,
        direction: b.direction,
        perDocument: b.perDocument,
        dueAt: localToIso(b.dueAt),
      }),
    );
  }

  @Post('campaigns/:id/assignments/:assignmentId/:action')
  act(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('assignmentId') assignmentId: string,
    @Param('action') action: string,
    @Body() body: Record<string, unknown>,
  ) {
    const fns: Record<string, [string, () => Promise<unknown>]> = {
      remind: ['reminded', () => this.assignments.remind(user.id, id, assignmentId)],
      reopen: ['reopened', () => this.assignments.reopen(user.id, id, assignmentId, body?.reason)],
      delete: ['removed', () => this.assignments.remove(user.id, id, assignmentId)],
    };
    const entry = fns[action];
    if (!entry) throw new DomainError(ErrorCode.NotFound, 'Действие не найдено');
    return this.run(req, reply, id, entry[0], {}, entry[1]);
  }
}
