import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { CampaignsService } from './campaigns.service';
import { CreateQuestionDto, UpdateQuestionDto } from './dto/question.dto';
import { QuestionsService } from './questions.service';
import { QuestionViewDto } from './dto/campaign.response';
import { ApiErrors, ApiSignedInErrors } from '../common/api-docs';

@ApiTags('campaigns')
@ApiBearerAuth()
@OrganizerOnly()
@ApiSignedInErrors()
@Controller('api/v1/campaigns/:id/questions')
export class QuestionsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly questions: QuestionsService,
  ) {}

  @Get()
  @ApiOkResponse({ type: [QuestionViewDto] })
  async list(@Param('id') id: string) {
    await this.campaigns.find(id);
    return this.questions.list(id);
  }

  @Post()
  @ApiCreatedResponse({ type: QuestionViewDto })
  @ApiErrors(409)
  create(@Param('id') id: string, @Body() dto: CreateQuestionDto, @CurrentUser() user: AuthUser) {
    return this.questions.create(id, dto, user.id);
  }

  @Patch(':questionId')
  @ApiOkResponse({ type: QuestionViewDto })
  @ApiErrors(409)
  update(@Param('id') id: string, @Param('questionId') questionId: string, @Body() dto: UpdateQuestionDto, @CurrentUser() user: AuthUser) {
    return this.questions.update(id, questionId, dto, user.id);
  }

  @Delete(':questionId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed (only in draft)' })
  @ApiErrors(409)
  async remove(@Param('id') id: string, @Param('questionId') questionId: string, @CurrentUser() user: AuthUser) {
    await this.questions.remove(id, questionId, user.id);
  }
}
