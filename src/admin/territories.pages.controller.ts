import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { NotFoundError } from '../common/domain-error';
import { ViewService } from '../common/view.service';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ReferenceAdminRepository } from '../reference/reference-admin.repository';
import { ReferenceAdminService } from '../reference/reference-admin.service';
import { fieldRefusalView, flashFor, postRedirectGet, sendPage } from '../common/page-form';
import { kindOptions, newField } from './reference-pages.helpers';

const DONE: Record<string, string> = { created: 'Территория добавлена', saved: 'Изменения сохранены' };

/** What a refused territory form shows again: the values as posted, the checkbox as ticked. */
const posted = (body: Record<string, unknown>) => ({ ...body, active: body?.active === 'on' });

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
    return sendPage(reply, this.views, req, 'pages/admin/reference', { title: 'Справочники' });
  }

  private async listPage(req: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) {
    const rows = await this.repo.territories();
    const context = {
      title: 'Территории',
      territories: rows.map((t) => ({ ...t, kindLabel: TERRITORY_KIND_LABELS[t.kind] })),
      kinds: kindOptions(String((extra.values as Record<string, unknown> | undefined)?.kind ?? '')),
      values: { active: true, sortOrder: rows.length },
      errors: {},
      ...extra,
    };
    return sendPage(reply, this.views, req, 'pages/admin/territories', context, status);
  }

  @Get('territories')
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    return this.listPage(req, reply, { flash: flashFor(done, DONE) });
  }

  @Post('territories')
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Body() body: Record<string, unknown>) {
    return postRedirectGet(
      reply,
      () => this.service.saveTerritory(me.id, null, body ?? {}),
      '/admin/territories?done=created',
      (err) => {
        const { status, ...view } = fieldRefusalView(err, 'Территория не добавлена: исправьте поля, отмеченные ниже.', newField);
        return this.listPage(req, reply, { values: posted(body), ...view }, status);
      },
    );
  }

  private async editPage(req: FastifyRequest, reply: FastifyReply, id: string, extra: Record<string, unknown> = {}, status = 200) {
    const t = await this.repo.territory(id);
    if (!t) throw new NotFoundError('Территория');
    const values = (extra.values as Record<string, unknown>) ?? { name: t.name, kind: t.kind, active: t.active, sortOrder: t.sort_order };
    const context = { title: t.name, territory: t, values, kinds: kindOptions(String(values.kind)), errors: {}, ...extra };
    return sendPage(reply, this.views, req, 'pages/admin/territory', context, status);
  }

  @Get('territories/:id')
  async edit(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string) {
    return this.editPage(req, reply, id);
  }

  @Post('territories/:id')
  async save(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() me: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    return postRedirectGet(
      reply,
      () => this.service.saveTerritory(me.id, id, body ?? {}),
      '/admin/territories?done=saved',
      (err) => {
        const { status, ...view } = fieldRefusalView(err, 'Изменения не сохранены: исправьте поля, отмеченные ниже.');
        return this.editPage(req, reply, id, { values: posted(body), ...view }, status);
      },
    );
  }
}
