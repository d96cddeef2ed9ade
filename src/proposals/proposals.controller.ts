import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { ApiErrors, ApiSignedInErrors } from '../common/api-docs';
import { BulkDecisionDto, DecisionDto } from './dto/decision.dto';
import { DecisionsUpdatedDto, ProposalDto, ProposalPageDto, ProposalsSummaryDto } from './dto/proposals.response';
import { DECISIONS } from './proposal-decision';
import { ListQuery, ProposalsService } from './proposals.service';

/** docs/api.md «Proposals». */
@ApiTags('proposals (organizer)')
@ApiBearerAuth()
@OrganizerOnly()
@ApiSignedInErrors()
@Controller('api/v1/campaigns/:id/proposals')
export class ProposalsController {
  constructor(private readonly proposals: ProposalsService) {}

  @Get()
  @ApiOperation({ summary: 'Proposals (free-text answers of counted responses), filtered, in pages (nextCursor null on the last)' })
  @ApiQuery({ name: 'documentId', required: false })
  @ApiQuery({ name: 'questionId', required: false })
  @ApiQuery({ name: 'territoryId', required: false })
  @ApiQuery({ name: 'decision', required: false, enum: ['undecided', ...DECISIONS] })
  @ApiQuery({ name: 'q', required: false, description: 'Text search (case-insensitive substring, up to 200 characters)' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: '1–200, default 50' })
  @ApiOkResponse({ type: ProposalPageDto })
  list(@Param('id') id: string, @Query() query: ListQuery) {
    return this.proposals.list(id, query);
  }

  @Get('summary')
  @ApiOperation({ summary: 'Proposals counted by decision, in all and per document (also the results snapshot’s `proposals`)' })
  @ApiOkResponse({ type: ProposalsSummaryDto })
  summary(@Param('id') id: string) {
    return this.proposals.summary(id);
  }

  @Post('decisions')
  @HttpCode(200)
  @ApiOperation({ summary: 'One decision for many proposals: all or nothing (404 if any id is not of this campaign)' })
  @ApiOkResponse({ type: DecisionsUpdatedDto })
  @ApiErrors(409)
  decideMany(@Param('id') id: string, @Body() body: BulkDecisionDto, @CurrentUser() user: AuthUser) {
    return this.proposals.decideMany(id, body.ids, body.decision, body.justification, user.id);
  }

  @Put(':proposalId/decision')
  @ApiOperation({ summary: 'Decide one proposal (from the revision stage until archived; 409 before)' })
  @ApiOkResponse({ type: ProposalDto, description: 'The proposal with its decision' })
  @ApiErrors(409)
  decide(@Param('id') id: string, @Param('proposalId') proposalId: string, @Body() body: DecisionDto, @CurrentUser() user: AuthUser) {
    return this.proposals.decide(id, proposalId, body.decision, body.justification, user.id);
  }
}
