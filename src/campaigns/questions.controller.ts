import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { CampaignsService } from './campaigns.service';
import { CreateQuestionDto, UpdateQuestionDto } from './dto/question.dto';
import { QuestionsService } from './questions.service';

@ApiTags('campaigns')
@ApiBearerAuth()
@OrganizerOnly()
@Controller('api/v1/campaigns/:id/questions')
export class QuestionsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly questions: QuestionsService,
  ) {}

  @Get()
  async list(@Param('id') id: string) {
    await this.campaigns.find(id);
    return this.questions.list(id);
  }

  @Post()
  create(@Param('id') id: string, @Body() dto: CreateQuestionDto, @CurrentUser() user: AuthUser) {
    return this.questions.create(id, dto, user.id);
  }

  @Patch(':questionId')
  update(@Param('id') id: string, @Param('questionId') questionId: string, @Body() dto: UpdateQuestionDto, @CurrentUser() user: AuthUser) {
    return this.questions.update(id, questionId, dto, user.id);
  }

  @Delete(':questionId')
  @HttpCode(204)
  async remove(@Param('id') id: string, @Param('questionId') questionId: string, @CurrentUser() user: AuthUser) {
    await this.questions.remove(id, questionId, user.id);
  }
}
