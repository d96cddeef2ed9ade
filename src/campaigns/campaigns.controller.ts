import { Body, Controller, Get, HttpCode, Param, ParseArrayPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { CampaignFiguresService } from './campaign-figures.service';
import { CampaignLifecycleService } from './campaign-lifecycle.service';
import { CampaignsService } from './campaigns.service';
import { CreateCampaignDto, CriterionDto, TransitionDto, UpdateCampaignDto } from './dto/campaign.dto';

@ApiTags('campaigns')
@ApiBearerAuth()
@OrganizerOnly()
@Controller('api/v1/campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly lifecycle: CampaignLifecycleService,
    private readonly figures: CampaignFiguresService,
  ) {}

  @Post()
  create(@Body() dto: CreateCampaignDto, @CurrentUser() user: AuthUser) {
    return this.campaigns.create(dto, user.id);
  }

  @Get()
  list() {
    return this.campaigns.list();
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.campaigns.get(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateCampaignDto, @CurrentUser() user: AuthUser) {
    return this.campaigns.update(id, dto, user.id);
  }

  /** Live figures: responses so far, territories covered, reviews submitted of assigned. */
  @Get(':id/figures')
  async liveFigures(@Param('id') id: string) {
    await this.campaigns.find(id);
    return this.figures.figures(id);
  }

  @Get(':id/transitions')
  async transitions(@Param('id') id: string) {
    await this.campaigns.find(id);
    return this.lifecycle.availableTransitions(id);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  transition(@Param('id') id: string, @Body() dto: TransitionDto, @CurrentUser() user: AuthUser) {
    return this.lifecycle.transition(id, dto.to, user.id, dto.reason);
  }

  @Get(':id/criteria')
  criteria(@Param('id') id: string) {
    return this.campaigns.criteria(id);
  }

  @Put(':id/criteria')
  @ApiBody({ type: [CriterionDto] })
  replaceCriteria(
    @Param('id') id: string,
    @Body(new ParseArrayPipe({ items: CriterionDto, whitelist: true, forbidNonWhitelisted: true })) items: CriterionDto[],
    @CurrentUser() user: AuthUser,
  ) {
    return this.campaigns.replaceCriteria(id, items, user.id);
  }
}
