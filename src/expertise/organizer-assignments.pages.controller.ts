import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { CAMPAIGN_STATUS_LABELS, CampaignStatus } from '../campaigns/campaign-status';
import { DomainError, ErrorCode } from '../common/domain-error';
import { flashFor, isConfirmed, postRedirectGet, refusalView, RefusalView, sendPage } from '../common/page-form';
import { pluralRu } from '../common/view-helpers';
import { ViewService } from '../common/view.service';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ReferenceService } from '../reference/reference.service';
import { AssignmentPageService, AssignmentPlan } from './assignment-page.service';
import { CandidateFilter, CandidateRow } from './assignments.repository';
import { AssignmentsService } from './assignments.service';
import { ASSIGNMENT_STATUS_LABELS } from './assignment-status';
import { datetimeLocalToIso } from '../common/display-time-zone';

type Input = Record<string, unknown>;

const DONE: Record<string, string> = {
  none: 'Новых назначений нет: все выбранные эксперты уже назначены на эти документы.',
  removed: 'Назначение удалено.',
  reminded: 'Напоминание отправлено.',
  reopened: 'Оценка возвращена эксперту.',
};

const LABELS = {
  overrideReason: 'Причина назначения вопреки конфликту интересов',
  expertIds: 'Эксперты',
  documentIds: 'Документы',
  dueAt: 'Срок',
  direction: 'Направление',
  perDocument: 'Экспертов на документ',
  mode: 'Способ',
  reason: 'Причина возврата',
  campaign: 'Кампания',
  status: 'Назначение',
};

/** Stages in which assignments still change (AssignmentPlannerService refuses the others). */
const OPEN = [CampaignStatus.Draft, CampaignStatus.Discussion, CampaignStatus.Revision, CampaignStatus.Expertise] as string[];

/** The count of what was made (shown only when something was): «Назначения созданы: 3.» */
function createdMessage(n: number): string {
  return `${pluralRu(n, 'Назначение создано', 'Назначения созданы', 'Назначения созданы')}: ${n}.`;
}

/** Where a bulk or planned assignment leads: the count made, or «none» when every pair existed. */
const afterAssign = (id: string, created: unknown[]) =>
  `/organizer/campaigns/${id}/assignments?${created.length ? `created=${created.length}` : 'done=none'}`;

/** The filter as query parameters (only what is set): kept by the forms that post from a filtered list. */
function filterParams(filter: CandidateFilter): URLSearchParams {
  return new URLSearchParams(
    Object.entries({
      q: filter.q,
      territoryId: filter.territoryId,
      competence: filter.competence,
      maxLoad: filter.maxLoad?.toString(),
    }).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** The experts found, each with its competences in words, its load and whether the refused form had it ticked. */
function expertRows(candidates: CandidateRow[], direction: Map<string, string>, ticked: unknown[]) {
  return candidates.map((e) => ({
    id: e.id,
    fullName: e.full_name,
    territoryName: e.territory_name,
    organizationName: e.organization_name,
    competenceNames: e.competences
      .map((c) => direction.get(c) ?? '')
      .filter(Boolean)
      .join(', '),
    load: e.load,
    here: e.here,
    checked: ticked.includes(e.id),
  }));
}

/**
 * A campaign's assignments: experts found by name, territory, competence and current load; "all found" chosen on
 * the server; the plan (count, conflicts in words) shown before anything is created, with the override reason asked
 * only when a pair conflicts; bulk by direction or balanced. A completed campaign offers no forms.
 */
@ApiExcludeController()
@OrganizerOnly()
@Controller('organizer/campaigns/:id/assignments')
export class OrganizerAssignmentsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly assignments: AssignmentsService,
    private readonly page: AssignmentPageService,
    private readonly reference: ReferenceService,
  ) {}

  @Get()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id') id: string, @Query() q: Record<string, string>) {
    return this.render(req, reply, id, q ?? {});
  }

  private async render(req: FastifyRequest, reply: FastifyReply, id: string, q: Input, view?: RefusalView, values: Input = {}) {
    const failedAssignment = typeof values.failedAssignment === 'string' ? values.failedAssignment : '';
    const filter = this.page.filterOf(q);
    const [{ campaign, documents }, list, lists, territories, candidates] = await Promise.all([
      this.assignments.formOptions(id),
      this.assignments.list(id),
      this.reference.codeLists(),
      this.reference.territories(),
      this.page.candidates(id, filter),
    ]);
    const direction = new Map(lists.directions.map((d) => [d.code, d.name]));
    const chosen = (k: string) => ([] as unknown[]).concat(values[k] ?? []);
    const created = typeof q.created === 'string' && /^\d{1,6}$/.test(q.created) ? Number(q.created) : 0;
    const filterQuery = filterParams(filter);
    return sendPage(
      reply,
      this.views,
      req,
      'pages/organizer/assignments',
      {
        title: `Назначения экспертов — ${campaign.title}`,
        campaign: { ...campaign, statusLabel: CAMPAIGN_STATUS_LABELS[campaign.status as CampaignStatus] },
        open: OPEN.includes(campaign.status),
        filter: { ...filter, maxLoad: filter.maxLoad?.toString() ?? '' },
        filtered: [...filterQuery.keys()].length > 0,
        filterFields: [...filterQuery.entries()].map(([name, value]) => ({ name, value })),
        territories: territories.map((t) => ({ id: t.id, name: `${t.name} (${(TERRITORY_KIND_LABELS[t.kind] ?? '').toLowerCase()})` })),
        directions: lists.directions,
        documents: documents.map((d) => ({ ...d, checked: chosen('documentIds').includes(d.id) })),
        experts: expertRows(candidates, direction, chosen('expertIds')),
        assignments: list.map((a) => ({ ...a, statusLabel: ASSIGNMENT_STATUS_LABELS[a.status] })),
        lateCount: list.filter((a) => a.late).length,
        values,
        failedAssignment,
        errors: view?.errors ?? {},
        formError: view?.formError,
        formErrors: view?.formErrors,
        flash: created > 0 ? { kind: 'success', message: createdMessage(created) } : flashFor(q.done, DONE),
      },
      view?.status ?? 200,
    );
  }

  /** Without confirm=yes: the plan (what will be created, which pairs conflict). With it: the assignments. */
  @Post()
  async assign(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Input,
  ) {
    const b = body ?? {};
    const expertIds = await this.page.chosenExperts(id, b);
    const plan = await this.page.plan(id, expertIds, b.documentIds);
    if (!plan.expertIds.length || !plan.documentIds.length) {
      const errors: Record<string, string> = {};
      if (!plan.expertIds.length) errors.expertIds = 'Выберите хотя бы одного эксперта';
      if (!plan.documentIds.length) errors.documentIds = 'Выберите хотя бы один документ';
      return this.render(
        req,
        reply,
        id,
        b,
        refusalView(new DomainError(ErrorCode.ValidationFailed, Object.values(errors), errors), LABELS),
        b,
      );
    }
    if (!isConfirmed(b) || (plan.conflicts.length && !String(b.overrideReason ?? '').trim())) {
      const missingReason = isConfirmed(b) && plan.conflicts.length > 0;
      return this.preview(req, reply, id, plan, b, missingReason);
    }
    const assign = () =>
      this.assignments.assign(user.id, id, {
        expertIds: plan.expertIds,
        documentIds: plan.documentIds,
        dueAt: datetimeLocalToIso(b.dueAt),
        overrideReason: typeof b.overrideReason === 'string' && b.overrideReason.trim() ? b.overrideReason : undefined,
      });
    return postRedirectGet(
      reply,
      assign,
      (created) => afterAssign(id, created),
      (err) =>
        // a conflict that appeared meanwhile: the plan again, asking for the reason (branching on the code, not the text)
        err.code === ErrorCode.ConflictOfInterest
          ? this.preview(req, reply, id, plan, b, true)
          : this.render(req, reply, id, {}, refusalView(err, LABELS), b),
    );
  }

  private async preview(req: FastifyRequest, reply: FastifyReply, id: string, plan: AssignmentPlan, b: Input, missingReason: boolean) {
    const { campaign } = await this.assignments.formOptions(id);
    const reasonError = missingReason ? 'Укажите причину: без неё эксперт с конфликтом интересов не назначается' : undefined;
    return sendPage(
      reply,
      this.views,
      req,
      'pages/organizer/assignments-preview',
      {
        title: 'Проверка назначений',
        campaign,
        plan,
        countText: `${plan.toCreate} ${pluralRu(plan.toCreate, 'назначение', 'назначения', 'назначений')}`,
        dueAt: typeof b.dueAt === 'string' ? b.dueAt : '',
        overrideReason: typeof b.overrideReason === 'string' ? b.overrideReason : '',
        errors: reasonError ? { overrideReason: reasonError } : {},
        formError: reasonError ? 'Назначение не создано: есть конфликт интересов.' : undefined,
        formErrors: reasonError
          ? [{ field: 'overrideReason', message: `${LABELS.overrideReason}: ${reasonError.toLowerCase()}` }]
          : undefined,
      },
      missingReason ? 409 : 200,
    );
  }

  @Post('bulk')
  async bulk(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: Input,
  ) {
    const b = body ?? {};
    const bulk = () =>
      this.assignments.assignBulk(user.id, id, {
        mode: b.mode,
        direction: b.direction,
        perDocument: b.perDocument,
        dueAt: datetimeLocalToIso(b.dueAt),
      });
    return postRedirectGet(
      reply,
      bulk,
      ({ created }) => afterAssign(id, created),
      (err) => this.render(req, reply, id, {}, refusalView(err, LABELS)),
    );
  }

  @Post(':assignmentId/:action')
  async act(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Param('assignmentId') assignmentId: string,
    @Param('action') action: string,
    @Body() body: Input,
  ) {
    const fns: Record<string, [string, () => Promise<unknown>]> = {
      remind: ['reminded', () => this.assignments.remind(user.id, id, assignmentId)],
      reopen: ['reopened', () => this.assignments.reopen(user.id, id, assignmentId, body?.reason)],
      delete: ['removed', () => this.assignments.remove(user.id, id, assignmentId)],
    };
    const entry = fns[action];
    if (!entry) throw new DomainError(ErrorCode.NotFound, 'Действие не найдено');
    return postRedirectGet(reply, entry[1], `/organizer/campaigns/${id}/assignments?done=${entry[0]}`, (err) => {
      // the message sits next to that row's field, and the summary links to it
      const view = refusalView(err, LABELS);
      const rowField = `reopen-${assignmentId}`;
      const formErrors = view.formErrors.map((e) => (e.field === 'reason' ? { ...e, field: rowField } : e));
      return this.render(req, reply, id, {}, { ...view, formErrors }, { failedAssignment: assignmentId });
    });
  }
}
