import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { ExcludeResponseDto, IncludeResponseDto } from './dto/exclude-response.dto';
import { ResponsesModerationService } from './responses-moderation.service';
import { ResponseListDto, ResponseListItemDto } from './dto/discussion.response';
import { ApiSignedInErrors } from '../common/api-docs';

const bool = (v?: string) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : undefined);

@ApiTags('responses (organizer)')
@ApiBearerAuth()
@OrganizerOnly()
@ApiSignedInErrors()
@Controller('api/v1/campaigns/:id/responses')
export class ResponsesController {
  constructor(private readonly moderation: ResponsesModerationService) {}

  @Get()
  @ApiOperation({ summary: 'Stored responses without personal data; flagged=true for suspected duplicates' })
  @ApiQuery({ name: 'flagged', required: false, type: Boolean })
  @ApiQuery({ name: 'excluded', required: false, type: Boolean })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiOkResponse({ type: ResponseListDto })
  list(
    @Param('id') id: string,
    @Query('flagged') flagged?: string,
    @Query('excluded') excluded?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    return this.moderation.list(id, {
      flagged: bool(flagged),
      excluded: bool(excluded),
      limit: limit ? Number(limit) || undefined : undefined,
      offset: offset ? Number(offset) || undefined : undefined,
    });
  }

  @Post(':responseId/exclude')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exclude a response from results, with the reason (audit-logged)' })
  @ApiOkResponse({ type: ResponseListItemDto })
  exclude(
    @Param('id') id: string,
    @Param('responseId') responseId: string,
    @Body() body: ExcludeResponseDto,
    @CurrentUser() user: AuthUser,
  ) {
    return this.moderation.exclude(id, responseId, body.reason, user.id);
  }

  @Post(':responseId/include')
  @HttpCode(200)
  @ApiOperation({ summary: 'Count an excluded response in results again (audit-logged)' })
  @ApiOkResponse({ type: ResponseListItemDto })
  include(
    @Param('id') id: string,
    @Param('responseId') responseId: string,
    @Body() body: IncludeResponseDto,
    @CurrentUser() user: AuthUser,
  ) {
    return this.moderation.include(id, responseId, body.reason, user.id);
  }
}
