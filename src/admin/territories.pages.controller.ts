import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { NotFoundError } from '../common/domain-error';
import { formRefusal } from '../common/form-refusal';
import { pageContext } from '../common/page-context';
import { ViewService } from '../common/view.service';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ReferenceAdminRepository } from '../reference/reference-admin.repository';
import { ReferenceAdminService } from '../reference/reference-admin.service';
import { fieldErrorList, HTML, kindOptions } from './reference-pages.helpers';
import { flashFor } from '../common/page-form';

const DONE: Record<string, string> = { created: 'Территория добавлена', saved: 'Изменения сохранены' };

/** /admin/reference (the hub) and /admin/territories: municipalities, their kind (it changes over time), order. */
@ApiExcludeController()
@Roles(Role.Admin)
@Controller('admin')
export class TerritoriesPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly repo: ReferenceAdminRepository,
    private readonly service: ReferenceAdminService,
  ) {}

  @Get('reference')
  hub(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return reply.type(HTML).send(this.views.render('pages/admin/reference', pageContext(req, { title: 'Справочники' })));
  }

  private async listPage(req: FastifyRequest, extra: Record<string, unknown> = {}) {
    const rows = await this.repo.territories();
    return this.views.render(
      'pages/admin/territories',
      pageContext(req, {
        title: 'Территории',
        territories: rows.map((t) => ({ ...t, kindLabel: TERRITORY_KIND_LABELS[t.kind] })),
        kinds: kindOptions(String((extra.values as Record<string, unknown> | undefined)?.kind ?? '')),
        values: { active: true, sortOrder: rows.length },
        errors: {},
        ...extra,
      }),
    );
  }

  @Get('territories')
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    return reply.type(HTML).send(await this.listPage(req, { flash: flashFor(done, DONE) }));
  }

  @Post('territories')
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Body() body: Record<string, unknown>) {
    try {
      await this.service.saveTerritory(me.id, null, body ?? {});
      return reply.redirect('/admin/territories?done=created', 303);
    } catch (err) {
      const refusal = formRefusal(err);
      const html = await this.listPage(req, {
        values: { ...body, active: body?.active === 'on' },
        errors: refusal.fieldErrors,
        formError: 'Территория не добавлена: исправьте поля, отмеченные ниже.',
        formErrors: fieldErrorList(refusal.fieldErrors, 'new-'),
      });
      return reply.status(refusal.status).type(HTML).send(html);
    }
  }

  private async editPage(req: FastifyRequest, id: string, extra: Record<string, unknown> = {}) {
    const t = await this.repo.territory(id);
    if (!t) throw new NotFoundError('Территория');
    const values = (extra.values as Record<string, unknown>) ?? { name: t.name, kind: t.kind, active: t.active, sortOrder: t.sort_order };
    return this.views.render(
      'pages/admin/territory',
      pageContext(req, { title: t.name, territory: t, values, kinds: kindOptions(String(values.kind)), errors: {}, ...extra }),
    );
  }

  @Get('territories/:id')
  async edit(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string) {
    return reply.type(HTML).send(await this.editPage(req, id));
  }

  @Post('territories/:id')
  async save(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() me: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    try {
      await this.service.saveTerritory(me.id, id, body ?? {});
      return reply.redirect('/admin/territories?done=saved', 303);
    } catch (err) {
      const refusal = formRefusal(err);
      const html = await this.editPage(req, id, {
        values: { ...body, active: body?.active === 'on' },
        errors: refusal.fieldErrors,
        formError: 'Изменения не сохранены: исправьте поля, отмеченные ниже.',
        formErrors: fieldErrorList(refusal.fieldErrors),
      });
      return reply.status(refusal.status).type(HTML).send(html);
    }
  }
}
