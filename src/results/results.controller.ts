import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { OrganizerOnly } from '../accounts/current-user';
import { BreakdownDimension } from './breakdown.repository';
import { Breakdown, BreakdownService } from './breakdown.service';
import { ResultsService } from './results.service';
import { BreakdownDto, QueuedStatusDto, ResultsSnapshotDto } from './dto/results.response';
import { ApiSignedInErrors } from '../common/api-docs';

@ApiTags('results')
@ApiBearerAuth()
@OrganizerOnly()
@ApiSignedInErrors()
@Controller('api/v1/campaigns/:id/results')
export class ResultsController {
  constructor(
    private readonly results: ResultsService,
    private readonly breakdowns: BreakdownService,
  ) {}

  @Get()
  @ApiOkResponse({ type: ResultsSnapshotDto, description: 'The latest results snapshot; 404 before the first one' })
  async latest(@Param('id') id: string) {
    const { id: _snapshotId, campaignId: _campaignId, ...snapshot } = await this.results.latestOrFail(id);
    return snapshot;
  }

  @Get('breakdown')
  @ApiQuery({ name: 'questionId', required: true })
  @ApiQuery({ name: 'by', required: true, enum: BreakdownDimension })
  @ApiOkResponse({
    type: BreakdownDto,
    description: 'One question by one dimension: counts and percents of each group’s answerers (docs/results.md)',
  })
  async breakdown(@Param('id') id: string, @Query('questionId') questionId: unknown, @Query('by') by: unknown): Promise<Breakdown> {
    await this.results.campaignOrFail(id);
    return this.breakdowns.breakdown(id, questionId, by);
  }

  @Post('refresh')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: QueuedStatusDto, description: 'Aggregation queued' })
  async refresh(@Param('id') id: string): Promise<{ status: 'queued' }> {
    await this.results.requestRefreshNow(id);
    return { status: 'queued' };
  }
}
