import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrganizerOnly } from '../accounts/current-user';
import { ResultsService } from './results.service';
import { QueuedStatusDto, ResultsSnapshotDto } from './dto/results.response';
import { ApiSignedInErrors } from '../common/api-docs';

@ApiTags('results')
@ApiBearerAuth()
@OrganizerOnly()
@ApiSignedInErrors()
@Controller('api/v1/campaigns/:id/results')
export class ResultsController {
  constructor(private readonly results: ResultsService) {}

  @Get()
  @ApiOkResponse({ type: ResultsSnapshotDto, description: 'The latest results snapshot; 404 before the first one' })
  async latest(@Param('id') id: string) {
    const { id: _snapshotId, campaignId: _campaignId, ...snapshot } = await this.results.latestOrFail(id);
    return snapshot;
  }

  @Post('refresh')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: QueuedStatusDto, description: 'Aggregation queued' })
  async refresh(@Param('id') id: string): Promise<{ status: 'queued' }> {
    await this.results.requestRefreshNow(id);
    return { status: 'queued' };
  }
}
