import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { flashFor, postRedirectGet, refusalView, sendPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ReferenceService } from '../reference/reference.service';
import { ResponsesModerationService } from './responses-moderation.service';
import type { ResponseFilter } from './responses.repository';

/** Success messages after post/redirect/get, by code (never text from the query string). */
const DONE: Record<string, string> = {
  excluded: 'Ответ исключён из результатов. Причина записана в журнал.',
  included: 'Ответ снова учитывается в результатах.',
};

const LABELS = { reason: 'Причина' };

type Q = Record<string, string | undefined>;

const yesNo = (v: string | undefined): boolean | undefined =>
  v === '1' || v === 'true' ? true : v === '0' || v === 'false' ? false : undefined;

/** The filter of the list, from its GET form (every field optional; unknown values are ignored). */
function filterOf(q: Q): ResponseFilter {
  return {
    flagged: yesNo(q.flagged),
    excluded: yesNo(q.excluded),
    territoryId: q.territoryId || undefined,
    position: q.position || undefined,
    organizationType: q.organizationType || undefined,
    receipt: q.receipt?.slice(0, 64) || undefined,
  };
}

@ApiExcludeController()
@OrganizerOnly()
@Controller('organizer/campaigns/:id/responses')
export class ResponsesPagesController {
  constructor(
    private readonly moderation: ResponsesModerationService,
    private readonly reference: ReferenceService,
    private readonly views: ViewService,
  ) {}

  @Get()
  async list(@Param('id') id: string, @Query() query: Q, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const q = query ?? {};
    const filter = filterOf(q);
    const [title, result, territories, lists] = await Promise.all([
      this.moderation.campaignTitle(id),
      this.moderation.page(id, filter, q.after),
      this.reference.territories(),
      this.reference.codeLists(),
    ]);
    const names = new Map([...lists.positions, ...lists.organizationTypes].map((x) => [x.code, x.name]));
    const kept = Object.entries(q).filter(
      (e): e is [string, string] => e[0] !== 'after' && e[0] !== 'done' && typeof e[1] === 'string' && e[1] !== '',
    );
    const base = new URLSearchParams(kept);
    const nextUrl = result.next ? `?${new URLSearchParams([...base, ['after', result.next]]).toString()}` : null;
    const yn = (v: boolean | undefined) => (v === undefined ? '' : v ? '1' : '0');
    return sendPage(reply, this.views, req, 'pages/organizer/responses', {
      title: `Ответы: ${title}`,
      campaign: { id, title },
      total: result.total,
      items: result.items.map((i) => ({
        ...i,
        positionName: names.get(i.position) ?? '',
        organizationTypeName: names.get(i.organizationType) ?? '',
      })),
      nextUrl,
      firstUrl: q.after ? `?${base.toString()}` : null,
      filtered: kept.length > 0,
      values: { ...filter, flagged: yn(filter.flagged), excluded: yn(filter.excluded), receipt: q.receipt ?? '' },
      territories: territories.map((t) => ({ id: t.id, name: `${t.name} (${(TERRITORY_KIND_LABELS[t.kind] ?? '').toLowerCase()})` })),
      positions: lists.positions,
      organizationTypes: lists.organizationTypes,
      flash: flashFor(q.done, DONE),
    });
  }

  @Get(':responseId')
  async show(
    @Param('id') id: string,
    @Param('responseId') responseId: string,
    @Query('done') done: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.renderOne(req, reply, id, responseId, { flash: flashFor(done, DONE) });
  }

  private async renderOne(
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    responseId: string,
    extra: Record<string, unknown>,
    status = 200,
  ) {
    const [title, { item, answers }, lists] = await Promise.all([
      this.moderation.campaignTitle(id),
      this.moderation.detail(id, responseId),
      this.reference.codeLists(),
    ]);
    const names = new Map([...lists.positions, ...lists.organizationTypes].map((x) => [x.code, x.name]));
    return sendPage(
      reply,
      this.views,
      req,
      'pages/organizer/response',
      {
        title: `Ответ ${item.receipt}`,
        campaign: { id, title },
        item: { ...item, positionName: names.get(item.position) ?? '', organizationTypeName: names.get(item.organizationType) ?? '' },
        answers,
        errors: {},
        values: {},
        ...extra,
      },
      status,
    );
  }

  @Post(':responseId/exclude')
  exclude(
    @Param('id') id: string,
    @Param('responseId') responseId: string,
    @Body() body: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.act(req, reply, id, responseId, body, 'excluded', () => this.moderation.exclude(id, responseId, body?.reason, user.id));
  }

  @Post(':responseId/include')
  include(
    @Param('id') id: string,
    @Param('responseId') responseId: string,
    @Body() body: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.act(req, reply, id, responseId, body, 'included', () => this.moderation.include(id, responseId, body?.reason, user.id));
  }

  /** Success → back to the response's page with a message; a refusal → the page again with the reason field's message. */
  private async act(
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    responseId: string,
    body: Record<string, string> | undefined,
    done: string,
    fn: () => Promise<unknown>,
  ) {
    return postRedirectGet(reply, fn, `/organizer/campaigns/${id}/responses/${responseId}?done=${done}`, (err) => {
      const view = refusalView(err, LABELS);
      return this.renderOne(req, reply, id, responseId, { ...view, values: { reason: body?.reason ?? '' } }, view.status);
    });
  }
}
