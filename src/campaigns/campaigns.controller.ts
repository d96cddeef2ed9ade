import { Body, Controller, Get, HttpCode, Param, ParseArrayPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { CampaignFiguresService } from './campaign-figures.service';
import { CampaignLifecycleService } from './campaign-lifecycle.service';
import { CampaignsService } from './campaigns.service';
import { CreateCampaignDto, CriterionDto, TransitionDto, UpdateCampaignDto } from './dto/campaign.dto';
import { CampaignDto, CampaignFiguresDto, CriterionViewDto, TransitionOptionDto } from './dto/campaign.response';
import { ApiErrors, ApiSignedInErrors } from '../common/api-docs';

@ApiTags('campaigns')
@ApiBearerAuth()
@OrganizerOnly()
@ApiSignedInErrors()
@Controller('api/v1/campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly lifecycle: CampaignLifecycleService,
    private readonly figures: CampaignFiguresService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: CampaignDto, description: 'The new campaign, in draft, with the five default criteria' })
  create(@Body() dto: CreateCampaignDto, @CurrentUser() user: AuthUser) {
    return this.campaigns.create(dto, user.id);
  }

  @Get()
  @ApiOkResponse({ type: [CampaignDto] })
  list() {
    return this.campaigns.list();
  }

  @Get(':id')
  @ApiOkResponse({ type: CampaignDto })
  get(@Param('id') id: string) {
    return this.campaigns.get(id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: CampaignDto })
  @ApiErrors(409)
  update(@Param('id') id: string, @Body() dto: UpdateCampaignDto, @CurrentUser() user: AuthUser) {
    return this.campaigns.update(id, dto, user.id);
  }

  /** Live figures: responses so far, territories covered, reviews submitted of assigned. */
  @Get(':id/figures')
  @ApiOkResponse({ type: CampaignFiguresDto })
  async liveFigures(@Param('id') id: string) {
    await this.campaigns.find(id);
    return this.figures.figures(id);
  }

  @Get(':id/transitions')
  @ApiOkResponse({ type: [TransitionOptionDto], description: 'The moves possible from the current stage and what each still needs' })
  async transitions(@Param('id') id: string) {
    await this.campaigns.find(id);
    return this.lifecycle.availableTransitions(id);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @ApiOkResponse({ type: CampaignDto, description: 'The campaign in its new stage' })
  @ApiErrors(409)
  transition(@Param('id') id: string, @Body() dto: TransitionDto, @CurrentUser() user: AuthUser) {
    return this.lifecycle.transition(id, dto.to, user.id, dto.reason);
  }

  @Get(':id/criteria')
  @ApiOkResponse({ type: [CriterionViewDto] })
  criteria(@Param('id') id: string) {
    return this.campaigns.criteria(id);
  }

  @Put(':id/criteria')
  @ApiBody({ type: [CriterionDto] })
  @ApiOkResponse({ type: [CriterionViewDto] })
  @ApiErrors(409)
  replaceCriteria(
    @Param('id') id: string,
    @Body(new ParseArrayPipe({ items: CriterionDto, whitelist: true, forbidNonWhitelisted: true })) items: CriterionDto[],
    @CurrentUser() user: AuthUser,
  ) {
    return this.campaigns.replaceCriteria(id, items, user.id);
  }
}
