import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { AssignmentsService } from './assignments.service';
import { BulkAssignmentsDto, CreateAssignmentsDto, ReasonDto } from './dto/expertise.dto';
import { AssignmentViewDto, BulkAssignmentsResultDto, QueuedFlagDto } from './dto/expertise.response';
import { ApiErrors, ApiSignedInErrors } from '../common/api-docs';

@ApiTags('assignments')
@ApiBearerAuth()
@OrganizerOnly()
@ApiSignedInErrors()
@Controller('api/v1/campaigns/:id/assignments')
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Post()
  @ApiCreatedResponse({ type: [AssignmentViewDto], description: 'The created assignments (pairs already assigned are skipped)' })
  @ApiErrors(409)
  create(@CurrentUser() user: AuthUser, @Param('id') campaignId: string, @Body() dto: CreateAssignmentsDto) {
    return this.assignments.assign(user.id, campaignId, dto);
  }

  @Post('bulk')
  @ApiCreatedResponse({ type: BulkAssignmentsResultDto })
  @ApiErrors(409)
  bulk(@CurrentUser() user: AuthUser, @Param('id') campaignId: string, @Body() dto: BulkAssignmentsDto) {
    return this.assignments.assignBulk(user.id, campaignId, dto);
  }

  @Get()
  @ApiOkResponse({ type: [AssignmentViewDto] })
  list(@Param('id') campaignId: string) {
    return this.assignments.list(campaignId);
  }

  @Delete(':assignmentId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(409)
  async remove(@CurrentUser() user: AuthUser, @Param('id') campaignId: string, @Param('assignmentId') assignmentId: string) {
    await this.assignments.remove(user.id, campaignId, assignmentId);
  }

  @Post(':assignmentId/remind')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: QueuedFlagDto, description: 'A reminder email is queued' })
  @ApiErrors(409)
  async remind(@CurrentUser() user: AuthUser, @Param('id') campaignId: string, @Param('assignmentId') assignmentId: string) {
    await this.assignments.remind(user.id, campaignId, assignmentId);
    return { queued: true };
  }

  @Post(':assignmentId/reopen')
  @HttpCode(200)
  @ApiOkResponse({ type: AssignmentViewDto })
  @ApiErrors(409)
  reopen(
    @CurrentUser() user: AuthUser,
    @Param('id') campaignId: string,
    @Param('assignmentId') assignmentId: string,
    @Body() dto: ReasonDto,
  ) {
    return this.assignments.reopen(user.id, campaignId, assignmentId, dto?.reason);
  }
}
