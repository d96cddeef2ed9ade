import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { contentDisposition } from '../campaigns/file-type';
import { NotFoundError } from '../common/domain-error';
import { Cell, tableCsv, tableXlsx } from '../common/table-export';
import { isUuid } from '../common/uuid';
import { ViewService } from '../common/view.service';
import { TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { IMPORT_MAX_BYTES, ORGANIZATION_COLUMNS } from '../reference/organization-import';
import { OrganizationRow, ReferenceAdminRepository } from '../reference/reference-admin.repository';
import { ReferenceAdminService } from '../reference/reference-admin.service';
import { fieldRefusalView, flashFor, postRedirectGet, refusalText, sendPage } from '../common/page-form';
import { newField, territoryLabel } from './reference-pages.helpers';

const PAGE_SIZE = 50;
const DONE: Record<string, string> = { created: 'Организация добавлена', saved: 'Изменения сохранены', deleted: 'Организация удалена' };

/** What a refused organization form shows again: the values as posted, the checkboxes as ticked. */
const posted = (body: Record<string, unknown>) => ({
  ...body,
  baseSite: body?.baseSite === 'on',
  innovationSite: body?.innovationSite === 'on',
});

/** Organizations (administrators and organizers): list, edit, import with a checked preview, export. */
@ApiExcludeController()
@OrganizerOnly()
@Controller('reference/organizations')
export class OrganizationsPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly repo: ReferenceAdminRepository,
    private readonly service: ReferenceAdminService,
  ) {}

  private async formLists(values: Record<string, unknown>) {
    const ctx = await this.service.importContext();
    const chosen = ([] as unknown[]).concat(values.directions ?? []);
    return {
      territories: ctx.territories.map((t) => ({ id: t.id, label: territoryLabel(t), selected: t.id === values.territoryId })),
      types: ctx.types.map((t) => ({ code: t.code, name: t.name, selected: t.code === values.typeCode })),
      directions: ctx.directions.map((d) => ({ code: d.code, name: d.name, checked: chosen.includes(d.code) })),
      directionName: new Map(ctx.directions.map((d) => [d.code, d.name])),
    };
  }

  private async listPage(
    req: FastifyRequest,
    reply: FastifyReply,
    q: Record<string, string | undefined>,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const filter = {
      search: (q.search ?? '').trim().slice(0, 200),
      territoryId: isUuid(q.territoryId) ? q.territoryId : '',
      baseSite: q.baseSite === 'yes' ? 'yes' : '',
    };
    const page = Math.min(10_000, Math.max(1, Math.floor(Number(q.page)) || 1));
    const { rows, total } = await this.repo.organizations({
      search: filter.search || undefined,
      territoryId: filter.territoryId || undefined,
      baseSite: filter.baseSite ? true : undefined,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    const values = (extra.values as Record<string, unknown>) ?? {};
    const lists = await this.formLists(values);
    const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][]).toString();
    const pageUrl = (n: number) => `/reference/organizations?${qs ? `${qs}&` : ''}page=${n}`;
    const context = {
      title: 'Организации',
      filter,
      filterTerritories: lists.territories.map((t) => ({ ...t, selected: t.id === filter.territoryId })),
      ...lists,
      organizations: rows.map((o) => this.view(o, lists.directionName)),
      total,
      prevUrl: page > 1 ? pageUrl(page - 1) : null,
      nextUrl: page * PAGE_SIZE < total ? pageUrl(page + 1) : null,
      values,
      errors: {},
      ...extra,
    };
    return sendPage(reply, this.views, req, 'pages/admin/organizations', context, status);
  }

  private view(o: OrganizationRow, directionName: Map<string, string>) {
    return {
      id: o.id,
      name: o.name,
      territory: territoryLabel({ name: o.territory_name, kind: o.territory_kind }),
      type: o.type_name,
      baseSite: o.base_site,
      innovationSite: o.innovation_site,
      inn: o.inn,
      directions: o.directions
        .map((d) => directionName.get(d) ?? '')
        .filter(Boolean)
        .join(', '),
    };
  }

  @Get()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Query() q: Record<string, string | undefined>) {
    const n = (v?: string) => Math.max(0, Math.floor(Number(v)) || 0);
    const imported =
      q.done === 'imported' ? `Загрузка сохранена: добавлено ${n(q.created)}, обновлено ${n(q.updated)}, без изменений ${n(q.same)}` : '';
    const flash = imported ? { kind: 'success', message: imported } : flashFor(q.done, DONE);
    return this.listPage(req, reply, q, { flash });
  }

  @Post()
  async create(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Body() body: Record<string, unknown>) {
    return postRedirectGet(
      reply,
      () => this.service.saveOrganization(me.id, null, body ?? {}),
      (id) => `/reference/organizations/${id}?done=created`,
      (err) => {
        const { status, ...view } = fieldRefusalView(err, 'Организация не добавлена: исправьте поля, отмеченные ниже.', newField);
        return this.listPage(req, reply, {}, { values: posted(body), ...view }, status);
      },
    );
  }

  @Get('import')
  importForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return sendPage(reply, this.views, req, 'pages/admin/organizations-import', {
      title: 'Загрузка организаций',
      columns: ORGANIZATION_COLUMNS,
    });
  }

  /** Checks the uploaded file and shows what would be saved, or every bad row; nothing is saved here. */
  @Post('import')
  async importCheck(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const render = (status: number, extra: Record<string, unknown>) =>
      sendPage(
        reply,
        this.views,
        req,
        'pages/admin/organizations-import',
        { title: 'Загрузка организаций', columns: ORGANIZATION_COLUMNS, ...extra },
        status,
      );
    let data: Buffer | null = null;
    try {
      const part = String(req.headers['content-type'] ?? '').startsWith('multipart/')
        ? await req.file({ limits: { fileSize: IMPORT_MAX_BYTES } })
        : undefined;
      if (part?.filename) {
        data = await part.toBuffer();
        if (part.file.truncated) return render(413, { formError: 'Файл больше 5 МБ: разделите его на части.' });
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
        return render(413, { formError: 'Файл больше 5 МБ: разделите его на части.' });
      throw err;
    }
    if (!data?.length) return render(400, { formError: 'Выберите файл XLSX или CSV.' });
    const preview = await this.service.preview(data);
    if (preview.fileProblem) return render(400, { formError: `${preview.fileProblem}. Ничего не сохранено.` });
    if (preview.problems.length) {
      return render(400, {
        formError: `В файле ${preview.problems.length} ${preview.problems.length === 1 ? 'строка с ошибкой' : 'строк с ошибками'}. Ничего не сохранено: исправьте их и загрузите файл снова.`,
        problems: preview.problems.map((p) => ({ where: p.row ? `Строка ${p.row}` : 'Файл', text: p.messages.join('; ') })),
      });
    }
    const lists = await this.formLists({});
    return render(200, {
      token: preview.token,
      rows: preview.rows.map((r) => ({ ...r, directions: r.directions.map((d) => lists.directionName.get(d)).join(', ') })),
      count: preview.rows.length,
    });
  }

  @Post('import/confirm')
  async importApply(@Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Body() body: Record<string, unknown>) {
    const c = await this.service.apply(me.id, body?.token);
    return reply.redirect(`/reference/organizations?done=imported&created=${c.created}&updated=${c.updated}&same=${c.unchanged}`, 303);
  }

  private async exportRows(): Promise<Cell[][]> {
    const [rows, lists] = await Promise.all([this.repo.allOrganizations(), this.formLists({})]);
    return rows.map((o) => [
      o.name,
      o.territory_name,
      TERRITORY_KIND_LABELS[o.territory_kind] ?? '',
      o.type_name,
      o.base_site ? 'да' : 'нет',
      o.innovation_site ? 'да' : 'нет',
      o.inn ?? '',
      o.directions.map((d) => lists.directionName.get(d) ?? '').join('; '),
    ]);
  }

  @Get('export.xlsx')
  async exportXlsx(@Res() reply: FastifyReply) {
    const file = await tableXlsx('Организации', [...ORGANIZATION_COLUMNS], await this.exportRows(), [60, 30, 22, 40, 12, 8, 14, 40]);
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', contentDisposition('организации.xlsx'))
      .send(file);
  }

  @Get('export.csv')
  async exportCsv(@Res() reply: FastifyReply) {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', contentDisposition('организации.csv'))
      .send(tableCsv([...ORGANIZATION_COLUMNS], await this.exportRows()));
  }

  private async editPage(req: FastifyRequest, reply: FastifyReply, id: string, extra: Record<string, unknown> = {}, status = 200) {
    const o = await this.repo.organization(id);
    if (!o) throw new NotFoundError('Организация');
    const values = (extra.values as Record<string, unknown>) ?? {
      name: o.name,
      territoryId: o.territory_id,
      typeCode: o.type_code,
      baseSite: o.base_site,
      innovationSite: o.innovation_site,
      inn: o.inn ?? '',
      directions: o.directions,
    };
    const context = { title: o.name, organization: o, values, errors: {}, ...(await this.formLists(values)), ...extra };
    return sendPage(reply, this.views, req, 'pages/admin/organization', context, status);
  }

  @Get(':id')
  async edit(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string, @Query('done') done?: string) {
    return this.editPage(req, reply, id, { flash: flashFor(done, DONE) });
  }

  @Post(':id')
  async save(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() me: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    return postRedirectGet(
      reply,
      () => this.service.saveOrganization(me.id, id, body ?? {}),
      `/reference/organizations/${id}?done=saved`,
      (err) => {
        const { status, ...view } = fieldRefusalView(err, 'Изменения не сохранены: исправьте поля, отмеченные ниже.');
        return this.editPage(req, reply, id, { values: posted(body), ...view }, status);
      },
    );
  }

  @Post(':id/delete')
  async remove(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() me: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ) {
    return postRedirectGet(
      reply,
      () => this.service.deleteOrganization(me.id, id),
      '/reference/organizations?done=deleted',
      (err) => this.editPage(req, reply, id, { formError: refusalText(err) }, err.status),
    );
  }
}
