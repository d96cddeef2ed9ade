import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly, Public } from '../accounts/current-user';
import { requestIp } from '../common/request-ip';
import { ExpertApplicationDto, ReasonDto } from './dto/expertise.dto';
import { ExpertApplicationsService } from './expert-applications.service';
import { ExpertRegistryService } from './expert-registry.service';
import { ExpertAction } from './expert-status';
import { RegistryExportService } from './registry-export.service';
import { ApplicationCreatedDto, ExpertViewDto } from './dto/expertise.response';
import { ApiErrors, ApiPublicErrors, ApiSignedInErrors, BINARY } from '../common/api-docs';

@ApiTags('experts')
@Controller('api/v1/experts')
export class ExpertsController {
  constructor(
    private readonly registry: ExpertRegistryService,
    private readonly applications: ExpertApplicationsService,
    private readonly exporter: RegistryExportService,
  ) {}

  @Public()
  @Post('applications')
  @ApiCreatedResponse({
    type: ApplicationCreatedDto,
    description: 'Applied; a confirmation email is sent',
    example: { id: '0192f3c4-8a1b-7c2d-9e3f-4a5b6c7d8e9f', status: 'applied' },
  })
  @ApiPublicErrors()
  @ApiErrors(409, 429)
  apply(@Body() dto: ExpertApplicationDto, @Req() req: FastifyRequest) {
    return this.applications.apply(dto, requestIp(req));
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Get()
  @ApiQuery({ name: 'status', required: false, enum: ['applied', 'approved', 'rejected', 'suspended'] })
  @ApiQuery({ name: 'competence', required: false })
  @ApiQuery({ name: 'territoryId', required: false })
  @ApiOkResponse({ type: [ExpertViewDto] })
  @ApiSignedInErrors()
  list(@Query('status') status?: string, @Query('competence') competence?: string, @Query('territoryId') territoryId?: string) {
    return this.registry.list({ status, competence, territoryId });
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Get('export.xlsx')
  @ApiQuery({ name: 'status', required: false, enum: ['applied', 'approved', 'rejected', 'suspended'] })
  @ApiQuery({ name: 'competence', required: false })
  @ApiQuery({ name: 'territoryId', required: false })
  @ApiOkResponse({
    description: 'The registry as XLSX (same filters as the list)',
    content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': BINARY },
  })
  @ApiSignedInErrors()
  async export(
    @Res() reply: FastifyReply,
    @Query('status') status?: string,
    @Query('competence') competence?: string,
    @Query('territoryId') territoryId?: string,
  ) {
    const file = await this.exporter.exportXlsx({ status, competence, territoryId });
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="experts.xlsx"; filename*=UTF-8''${encodeURIComponent('реестр-экспертов.xlsx')}`)
      .send(file);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Get(':id')
  @ApiOkResponse({ type: ExpertViewDto })
  @ApiSignedInErrors()
  get(@Param('id') id: string) {
    return this.registry.get(id);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Post(':id/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: ExpertViewDto, description: 'The registry entry after the move' })
  @ApiSignedInErrors()
  @ApiErrors(409)
  approve(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.decide(user, id, ExpertAction.Approve, dto);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Post(':id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: ExpertViewDto, description: 'The registry entry after the move' })
  @ApiSignedInErrors()
  @ApiErrors(409)
  reject(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.decide(user, id, ExpertAction.Reject, dto);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Post(':id/suspend')
  @HttpCode(200)
  @ApiOkResponse({ type: ExpertViewDto, description: 'The registry entry after the move' })
  @ApiSignedInErrors()
  @ApiErrors(409)
  suspend(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.decide(user, id, ExpertAction.Suspend, dto);
  }

  @ApiBearerAuth()
  @OrganizerOnly()
  @Post(':id/restore')
  @HttpCode(200)
  @ApiOkResponse({ type: ExpertViewDto, description: 'The registry entry after the move' })
  @ApiSignedInErrors()
  @ApiErrors(409)
  restore(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: ReasonDto) {
    return this.decide(user, id, ExpertAction.Restore, dto);
  }

  private decide(user: AuthUser, id: string, action: ExpertAction, dto: ReasonDto) {
    return this.registry.changeStatus(user.id, id, action, dto?.reason);
  }
}
