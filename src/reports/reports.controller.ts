import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { CreateReportDto } from './dto/create-report.dto';
import { ReportsService } from './reports.service';
import { ReportListDto, ReportQueuedDto, ReportViewDto } from './dto/report.response';
import { ApiErrors, ApiSignedInErrors, BINARY } from '../common/api-docs';

/** RFC 6266 / 5987: an ASCII fallback plus the UTF-8 name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

@ApiTags('reports')
@ApiBearerAuth()
@OrganizerOnly()
@ApiSignedInErrors()
@Controller('api/v1')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post('campaigns/:id/reports')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: ReportQueuedDto,
    description: 'Rendering is queued',
    example: { id: '0192f3c4-8a1b-7c2d-9e3f-4a5b6c7d8e9f', status: 'queued' },
  })
  @ApiErrors(409)
  async create(@Param('id') campaignId: string, @Body() dto: CreateReportDto, @CurrentUser() user: AuthUser) {
    const report = await this.reports.requestReport(campaignId, dto.kind, dto.format, user.id, dto.csvDialect);
    return { id: report.id, status: report.status };
  }

  @Get('campaigns/:id/reports')
  @ApiOkResponse({ type: ReportListDto })
  async list(@Param('id') campaignId: string) {
    return { items: await this.reports.forCampaign(campaignId) };
  }

  @Get('reports/:id')
  @ApiOkResponse({ type: ReportViewDto })
  async status(@Param('id') id: string) {
    return this.reports.get(id);
  }

  @Get('reports/:id/file')
  @ApiOkResponse({ description: 'The rendered file with its content type and file name', content: { 'application/octet-stream': BINARY } })
  @ApiErrors(409)
  async file(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.reports.file(id);
    reply.header('content-type', file.contentType).header('content-disposition', contentDisposition(file.fileName));
    if (file.size !== null) reply.header('content-length', String(file.size));
    await reply.send(file.stream);
  }
}
