import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { isConfirmed, sendConfirmPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { formString, questionForm, questionUpdateForm } from './campaign-forms';
import { CampaignPageService } from './campaign-page.service';
import { QuestionsService } from './questions.service';

type Form = Record<string, unknown>;

/** The questionnaire editor's form actions on the campaign page (add, edit, reorder, delete; only in draft). */
@ApiExcludeController()
@OrganizerOnly()
@Controller('organizer/campaigns')
export class CampaignQuestionsPagesController {
  constructor(
    private readonly questions: QuestionsService,
    private readonly pages: CampaignPageService,
    private readonly views: ViewService,
  ) {}

  @Post(':id/questions')
  async addQuestion(
    @Param('id') id: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    return this.pages.act(
      id,
      req,
      reply,
      'question',
      'question',
      () => this.questions.create(id, questionForm(body ?? {}), user.id),
      body ?? {},
    );
  }

  @Post(':id/questions/:questionId')
  async updateQuestion(
    @Param('id') id: string,
    @Param('questionId') questionId: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    return this.pages.act(id, req, reply, 'question-saved', `edit-${questionId}`, async () => {
      const question = await this.questions.get(id, questionId);
      await this.questions.update(id, questionId, questionUpdateForm(body ?? {}, question.kind), user.id);
    });
  }

  @Post(':id/questions/:questionId/delete')
  async deleteQuestion(
    @Param('id') id: string,
    @Param('questionId') questionId: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    if (!isConfirmed(body)) {
      const question = await this.questions.get(id, questionId);
      return sendConfirmPage(reply, this.views, req, {
        title: 'Удалить вопрос?',
        consequence: `Вопрос «${question.text}» будет удалён из анкеты вместе с вариантами ответа.`,
        action: `/organizer/campaigns/${id}/questions/${questionId}/delete`,
        fields: {},
        confirmLabel: 'Да, удалить вопрос',
        cancelUrl: `/organizer/campaigns/${id}#questions`,
        danger: true,
      });
    }
    return this.pages.act(id, req, reply, 'deleted', 'questions', () => this.questions.remove(id, questionId, user.id));
  }

  @Post(':id/questions/:questionId/move')
  async moveQuestion(
    @Param('id') id: string,
    @Param('questionId') questionId: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    const delta = formString(body?.direction) === 'up' ? -1 : 1;
    return this.pages.act(id, req, reply, 'moved', 'questions', () => this.questions.shift(id, questionId, delta, user.id));
  }
}
