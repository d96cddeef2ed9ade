import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { ValidationError } from '../common/domain-error';
import { AuditQuery, AuditService } from './audit.service';
import { isUuid } from '../common/uuid';
import { AuditEntryDto } from './audit-entry.response';
import { ApiSignedInErrors } from '../common/api-docs';

/** Parses the audit filters shared by the API and the admin page; bad values are named. */
export function parseAuditQuery(q: Record<string, string | undefined>): AuditQuery {
  const out: AuditQuery = {};
  const problems: string[] = [];
  if (q.campaignId) {
    if (isUuid(q.campaignId)) out.campaignId = q.campaignId;
    else problems.push('campaignId: неверный идентификатор');
  }
  if (q.actorId) {
    if (isUuid(q.actorId)) out.actorId = q.actorId;
    else problems.push('actorId: неверный идентификатор');
  }
  if (q.action) out.action = q.action.slice(0, 100);
  for (const key of ['from', 'to'] as const) {
    if (q[key]) {
      const d = new Date(q[key]!);
      if (Number.isNaN(d.getTime())) problems.push(`${key}: неверная дата`);
      else out[key] = d;
    }
  }
  for (const key of ['limit', 'offset'] as const) {
    if (q[key]) {
      const n = Number(q[key]);
      if (!Number.isInteger(n) || n < 0) problems.push(`${key}: ожидается целое неотрицательное число`);
      else out[key] = n;
    }
  }
  if (problems.length) throw new ValidationError(problems);
  return out;
}

@ApiTags('audit')
@ApiBearerAuth()
@Roles(Role.Admin)
@ApiSignedInErrors()
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiQuery({ name: 'campaignId', required: false })
  @ApiQuery({ name: 'actorId', required: false })
  @ApiQuery({ name: 'action', required: false })
  @ApiQuery({ name: 'from', required: false })
  @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'offset', required: false })
  @ApiOkResponse({ type: [AuditEntryDto], description: 'Newest first' })
  async list(@Query() query: Record<string, string | undefined>) {
    const rows = await this.audit.list(parseAuditQuery(query));
    return rows.map((r) => ({
      id: r.id,
      actorId: r.actor_id,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      campaignId: r.campaign_id,
      before: r.before,
      after: r.after,
      createdAt: r.created_at.toISOString(),
    }));
  }
}
