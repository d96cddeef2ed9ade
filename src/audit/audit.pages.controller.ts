import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { contentDisposition } from '../campaigns/file-type';
import { DomainError } from '../common/domain-error';
import { formRefusal } from '../common/form-refusal';
import { sendPage } from '../common/page-form';
import { tableCsv, tableXlsx } from '../common/table-export';
import { ViewService } from '../common/view.service';
import { AUDIT_EXPORT_HEADERS, AUDIT_KINDS, AuditLogService, AuditPageFilters } from './audit-log.service';

/** /admin/audit: the audit log for administrators as sentences, newest first, with filters and exports. */
@ApiExcludeController()
@Roles(Role.Admin)
@Controller('admin/audit')
export class AuditPagesController {
  constructor(
    private readonly log: AuditLogService,
    private readonly views: ViewService,
  ) {}

  @Get()
  async page(@Query() query: Record<string, string | undefined>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const raw = {
      campaign: query.campaign ?? '',
      person: query.person ?? '',
      kind: query.kind ?? '',
      from: query.from ?? '',
      to: query.to ?? '',
    };
    let filters: AuditPageFilters;
    try {
      filters = this.log.parseFilters(query);
    } catch (err) {
      const refusal = formRefusal(err);
      return sendPage(reply, this.views, req, 'pages/admin/audit', this.model(raw, [], null, false, refusal), refusal.status);
    }
    const { entries, nextBefore } = await this.log.page(filters, query.before);
    return sendPage(reply, this.views, req, 'pages/admin/audit', this.model(filters, entries, nextBefore, Boolean(query.before)));
  }

  private model(
    filters: AuditPageFilters,
    entries: unknown[],
    nextBefore: string | null,
    notFirst: boolean,
    error?: DomainError,
  ): Record<string, unknown> {
    const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]);
    const qs = params.toString();
    return {
      title: 'Журнал действий',
      entries,
      filters,
      kinds: AUDIT_KINDS.map((k, i) => ({ value: String(i + 1), label: k.label, selected: filters.kind === String(i + 1) })),
      errors: error?.fieldErrors ?? {},
      formError: error ? 'Отбор не применён: исправьте поля, отмеченные ниже.' : undefined,
      firstUrl: notFirst ? `/admin/audit${qs ? `?${qs}` : ''}` : null,
      nextUrl: nextBefore ? `/admin/audit?${qs ? `${qs}&` : ''}before=${nextBefore}` : null,
      csvUrl: `/admin/audit/export.csv${qs ? `?${qs}` : ''}`,
      xlsxUrl: `/admin/audit/export.xlsx${qs ? `?${qs}` : ''}`,
    };
  }

  @Get('export.csv')
  async csv(@Query() query: Record<string, string | undefined>, @Res() reply: FastifyReply) {
    const rows = await this.log.exportRows(this.log.parseFilters(query));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', contentDisposition('журнал-действий.csv'))
      .send(tableCsv(AUDIT_EXPORT_HEADERS, rows));
  }

  @Get('export.xlsx')
  async xlsx(@Query() query: Record<string, string | undefined>, @Res() reply: FastifyReply) {
    const rows = await this.log.exportRows(this.log.parseFilters(query));
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', contentDisposition('журнал-действий.xlsx'))
      .send(await tableXlsx('Журнал действий', AUDIT_EXPORT_HEADERS, rows, [18, 28, 28, 36, 100]));
  }
}
