import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import ExcelJS from 'exceljs';
import { AuthUser, CurrentUser, Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { contentDisposition } from '../campaigns/file-type';
import { flashFor, postRedirectGet, refusalText, sendPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { neutralizeRow } from '../reports/cell-safety';
import { ExpertPersonalDataService } from './expert-personal-data.service';

const DONE: Record<string, string> = { erased: 'Персональные данные удалены, учётная запись заблокирована' };

/** /admin/experts/:id/personal-data: one expert's data on request: download it, or erase it. */
@ApiExcludeController()
@Roles(Role.Admin)
@Controller('admin/experts/:id')
export class ExpertPersonalDataPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly data: ExpertPersonalDataService,
  ) {}

  private async page(req: FastifyRequest, reply: FastifyReply, id: string, extra: Record<string, unknown> = {}, status = 200) {
    const person = await this.data.person(id);
    return sendPage(
      reply,
      this.views,
      req,
      'pages/admin/personal-data',
      { title: 'Персональные данные эксперта', person, ...extra },
      status,
    );
  }

  @Get('personal-data')
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string, @Query('done') done?: string) {
    return this.page(req, reply, id, { flash: flashFor(done, DONE) });
  }

  @Get('personal-data.json')
  async json(@Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    const out = await this.data.collect(me.id, id);
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', contentDisposition('персональные-данные.json'))
      .send(JSON.stringify(out, null, 2));
  }

  @Get('personal-data.xlsx')
  async xlsx(@Res() reply: FastifyReply, @CurrentUser() me: AuthUser, @Param('id', ParseUUIDPipe) id: string) {
    const out = await this.data.collect(me.id, id);
    const wb = new ExcelJS.Workbook();
    const person = wb.addWorksheet('Сведения');
    person.columns = [{ width: 48 }, { width: 60 }];
    for (const [k, v] of Object.entries(out.person))
      person.addRow(neutralizeRow([k, Array.isArray(v) ? v.join('; ') : v === null ? '' : String(v)]));
    const reviews = wb.addWorksheet('Заключения');
    const table = ExpertPersonalDataService.sheetRows(out.reviews);
    reviews.addRow(neutralizeRow(table.headers));
    reviews.getRow(1).font = { bold: true };
    for (const r of table.rows) reviews.addRow(neutralizeRow(r));
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', contentDisposition('персональные-данные.xlsx'))
      .send(Buffer.from(await wb.xlsx.writeBuffer()));
  }

  @Post('erase')
  async erase(
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() me: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: Record<string, unknown>,
  ) {
    if (body?.confirm !== 'on') {
      const refused = {
        confirmError: 'отметьте, что эксперт просил удалить данные',
        formError: 'Данные не удалены: подтвердите просьбу эксперта.',
      };
      return this.page(req, reply, id, refused, 400);
    }
    return postRedirectGet(
      reply,
      () => this.data.erase(me.id, id),
      `/admin/experts/${id}/personal-data?done=erased`,
      (err) => this.page(req, reply, id, { formError: refusalText(err) }, err.status),
    );
  }
}
