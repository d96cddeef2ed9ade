import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { pageContext } from '../common/page-context';
import { ViewService } from '../common/view.service';
import { ResponsesModerationService } from './responses-moderation.service';

/** Success messages after post/redirect/get, by code (never text from the query string). */
const DONE: Record<string, string> = {
  excluded: 'Ответ исключён из результатов. Причина записана в журнал.',
  included: 'Ответ снова учитывается в результатах.',
};

@ApiExcludeController()
@OrganizerOnly()
@Controller('organizer/campaigns/:id/responses')
export class ResponsesPagesController {
  constructor(
    private readonly moderation: ResponsesModerationService,
    private readonly views: ViewService,
  ) {}

  @Get()
  async list(
    @Param('id') id: string,
    @Query('flagged') flagged: string | undefined,
    @Query('done') done: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const onlyFlagged = flagged === '1';
    const [title, result] = await Promise.all([
      this.moderation.campaignTitle(id),
      this.moderation.list(id, { flagged: onlyFlagged ? true : undefined, limit: 500 }),
    ]);
    const html = this.views.render(
      'pages/organizer/responses',
      pageContext(req, {
        title: `Ответы: ${title}`,
        campaign: { id, title },
        onlyFlagged,
        ...result,
        flash: done && DONE[done] ? { kind: 'success', message: DONE[done] } : null,
      }),
    );
    return reply.type('text/html; charset=utf-8').send(html);
  }

  @Post(':responseId/exclude')
  async exclude(
    @Param('id') id: string,
    @Param('responseId') responseId: string,
    @Body() body: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    await this.moderation.exclude(id, responseId, body?.reason, user.id);
    return reply.redirect(`/organizer/campaigns/${id}/responses?done=excluded${body?.flagged === '1' ? '&flagged=1' : ''}`, 303);
  }

  @Post(':responseId/include')
  async include(
    @Param('id') id: string,
    @Param('responseId') responseId: string,
    @Body() body: Record<string, string>,
    @CurrentUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    await this.moderation.include(id, responseId, body?.reason, user.id);
    return reply.redirect(`/organizer/campaigns/${id}/responses?done=included${body?.flagged === '1' ? '&flagged=1' : ''}`, 303);
  }
}
