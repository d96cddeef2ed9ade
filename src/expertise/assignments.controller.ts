import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { AssignmentsService } from './assignments.service';
import { BulkAssignmentsDto, CreateAssignmentsDto, ReasonDto } from './dto/expertise.dto';

@ApiTags('assignments')
@ApiBearerAuth()
@OrganizerOnly()
@Controller('api/v1/campaigns/:id/assignments')
export class AssignmentsController {
  constructor(private readonly assignments: AssignmentsService) {}

  @Post()
  @ApiCreatedResponse({ description: 'The created assignments (pairs already assigned are skipped)' })
  create(@CurrentUser() user: AuthUser, @Param('id') campaignId: string, @Body() dto: CreateAssignmentsDto) {
    return this.assignments.assign(user.id, campaignId, dto);
  }

  @Post('bulk')
  @ApiCreatedResponse({ description: '{created: [...], skippedConflicts: [{expertId, documentId, reason}]}' })
  bulk(@CurrentUser() user: AuthUser, @Param('id') campaignId: string, @Body() dto: BulkAssignmentsDto) {
    return this.assignments.assignBulk(user.id, campaignId, dto);
  }

  @Get()
  list(@Param('id') campaignId: string) {
    return this.assignments.list(campaignId);
  }

  @Delete(':assignmentId')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthUser, @Param('id') campaignId: string, @Param('assignmentId') assignmentId: string) {
    await this.assignments.remove(user.id, campaignId, assignmentId);
  }

  @Post(':assignmentId/remind')
  @HttpCode(202)
  async remind(@CurrentUser() user: AuthUser, @Param('id') campaignId: string, @Param('assignmentId') assignmentId: string) {
    await this.assignments.remind(user.id, campaignId, assignmentId);
    return { queued: true };
  }

  @Post(':assignmentId/reopen')
  @HttpCode(200)
  reopen(
    @CurrentUser() user: AuthUser,
    @Param('id') campaignId: string,
    @Param('assignmentId') assignmentId: string,
    @Body() dto: ReasonDto,
  ) {
    return this.assignments.reopen(user.id, campaignId, assignmentId, dto?.reason);
  }
}
