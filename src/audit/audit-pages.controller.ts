import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { pageContext } from '../common/page-context';
import { ViewService } from '../common/view.service';
import { parseAuditQuery } from './audit.controller';
import { AuditService } from './audit.service';

const PAGE_SIZE = 100;

/** /admin/audit: the audit log for administrators, newest first, filtered by campaign, action and dates. */
@ApiExcludeController()
@Roles(Role.Admin)
@Controller('admin/audit')
export class AuditPagesController {
  constructor(
    private readonly audit: AuditService,
    private readonly views: ViewService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  @Get()
  async page(@Query() query: Record<string, string | undefined>, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const filters = parseAuditQuery({ ...query, limit: String(PAGE_SIZE) });
    const page = Math.max(1, Number(query.page) || 1);
    const rows = await this.audit.list({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    const actorIds = [...new Set(rows.map((r) => r.actorId).filter((x): x is string => !!x))];
    const campaignIds = [...new Set(rows.map((r) => r.campaignId).filter((x): x is string => !!x))];
    const actors: { id: string; full_name: string; email: string }[] = actorIds.length
      ? await this.dataSource.query(`SELECT id, full_name, email FROM users WHERE id = ANY($1::uuid[])`, [actorIds])
      : [];
    const campaigns: { id: string; title: string }[] = campaignIds.length
      ? await this.dataSource.query(`SELECT id, title FROM campaigns WHERE id = ANY($1::uuid[])`, [campaignIds])
      : [];
    const entries = rows.map((r) => {
      const actor = actors.find((a) => a.id === r.actorId);
      return {
        id: r.id,
        createdAt: r.createdAt,
        actor: actor ? `${actor.full_name} (${actor.email})` : r.actorId ? r.actorId : 'система',
        action: r.action,
        entity: `${r.entityType}${r.entityId ? ` ${r.entityId}` : ''}`,
        campaign: campaigns.find((c) => c.id === r.campaignId)?.title ?? '',
        before: r.before ? JSON.stringify(r.before) : '',
        after: r.after ? JSON.stringify(r.after) : '',
      };
    });
    const html = this.views.render(
      'pages/admin/audit',
      pageContext(req, {
        title: 'Журнал действий',
        entries,
        filters: { campaignId: query.campaignId ?? '', action: query.action ?? '', from: query.from ?? '', to: query.to ?? '' },
        page,
        prevPage: page > 1 ? page - 1 : null,
        nextPage: rows.length === PAGE_SIZE ? page + 1 : null,
      }),
    );
    return reply.type('text/html; charset=utf-8').send(html);
  }
}
