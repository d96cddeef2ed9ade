import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { DomainError, ValidationError } from '../common/domain-error';
import { pageContext } from '../common/page-context';
import { ViewService } from '../common/view.service';
import { AppConfig } from '../config/app.config';
import { referenceData, TERRITORY_KIND_LABELS } from '../reference/reference-data';
import { ReferenceService } from '../reference/reference.service';
import { StorageService } from '../storage/storage.service';
import { CampaignFiguresService } from './campaign-figures.service';
import {
  criteriaForm,
  createCampaignForm,
  documentForm,
  formString,
  questionForm,
  questionUpdateForm,
  updateCampaignForm,
} from './campaign-forms';
import { CampaignLifecycleService } from './campaign-lifecycle.service';
import { CampaignStatus } from './campaign-status';
import { campaignView } from './campaign-view';
import { CampaignsService, criteriaEditable } from './campaigns.service';
import { readDocumentUpload } from './document-upload';
import { DocumentsService } from './documents.service';
import { QuestionsService } from './questions.service';

type Form = Record<string, unknown>;

/** Success messages after post/redirect/get, by code (never text from the query string). */
const DONE: Record<string, string> = {
  created: 'Кампания создана',
  saved: 'Изменения сохранены',
  document: 'Документ добавлен',
  'document-saved': 'Сведения о документе сохранены',
  version: 'Новая версия загружена',
  question: 'Вопрос добавлен',
  'question-saved': 'Вопрос сохранён',
  deleted: 'Вопрос удалён',
  moved: 'Порядок вопросов изменён',
  criteria: 'Критерии сохранены',
  transition: 'Этап кампании изменён',
};

const KIND_LABELS = { single: 'Один вариант', multi: 'Несколько вариантов', scale: 'Шкала', text: 'Свободный ответ' };

/** Organizer pages: the campaigns list and one campaign with its schedule, documents, questionnaire, criteria and stage. */
@ApiExcludeController()
@OrganizerOnly()
@Controller('organizer/campaigns')
export class CampaignsPagesController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly documents: DocumentsService,
    private readonly questions: QuestionsService,
    private readonly lifecycle: CampaignLifecycleService,
    private readonly figures: CampaignFiguresService,
    private readonly views: ViewService,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
    private readonly reference: ReferenceService,
  ) {}

  @Get()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.renderList(req, reply, 200, {});
  }

  @Post()
  async create(@Body() body: Form, @Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: AuthUser) {
    try {
      const created = await this.campaigns.create(createCampaignForm(body ?? {}), user.id);
      return reply.redirect(`/organizer/campaigns/${created.id}?done=created`, 303);
    } catch (err) {
      const [status, extra] = this.failure(err);
      return this.renderList(req, reply, status, { ...extra, values: body ?? {} });
    }
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.renderCampaign(id, req, reply, 200, { flash: done && DONE[done] ? { kind: 'success', message: DONE[done] } : null });
  }

  @Post(':id')
  async update(
    @Param('id') id: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    return this.act(id, req, reply, 'saved', 'settings', async () => {
      const c = await this.campaigns.find(id);
      await this.campaigns.update(id, updateCampaignForm(body ?? {}, c.status === CampaignStatus.Draft), user.id);
    });
  }

  @Post(':id/documents')
  async upload(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: AuthUser) {
    return this.act(id, req, reply, 'document', 'document', async () => {
      await this.campaigns.find(id);
      const { fields, file } = await readDocumentUpload(req, this.storage, this.config.UPLOAD_MAX_BYTES);
      await this.documents.addDocument(id, { ...fields, withDefaultQuestions: fields.withDefaultQuestions ?? 'false' }, file, user.id);
    });
  }

  @Post(':id/documents/:documentId/versions')
  async version(
    @Param('id') id: string,
    @Param('documentId') documentId: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    return this.act(id, req, reply, 'version', `version-${documentId}`, async () => {
      await this.documents.get(id, documentId);
      const { fields, file } = await readDocumentUpload(req, this.storage, this.config.UPLOAD_MAX_BYTES);
      await this.documents.addVersion(id, documentId, fields.notes, file, user.id);
    });
  }

  @Post(':id/documents/:documentId')
  async updateDocument(
    @Param('id') id: string,
    @Param('documentId') documentId: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    return this.act(id, req, reply, 'document-saved', `details-${documentId}`, async () => {
      const c = await this.campaigns.find(id);
      await this.documents.updateDocument(id, documentId, documentForm(body ?? {}, !c.frozenAt), user.id);
    });
  }

  @Post(':id/questions')
  async addQuestion(
    @Param('id') id: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    return this.act(id, req, reply, 'question', 'question', () => this.questions.create(id, questionForm(body ?? {}), user.id), body ?? {});
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
    return this.act(id, req, reply, 'question-saved', `edit-${questionId}`, async () => {
      const question = await this.questions.get(id, questionId);
      await this.questions.update(id, questionId, questionUpdateForm(body ?? {}, question.kind), user.id);
    });
  }

  @Post(':id/questions/:questionId/delete')
  async deleteQuestion(
    @Param('id') id: string,
    @Param('questionId') questionId: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    return this.act(id, req, reply, 'deleted', 'questions', () => this.questions.remove(id, questionId, user.id));
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
    return this.act(id, req, reply, 'moved', 'questions', () => this.questions.shift(id, questionId, delta, user.id));
  }

  @Post(':id/criteria')
  async criteria(
    @Param('id') id: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    return this.act(
      id,
      req,
      reply,
      'criteria',
      'criteria',
      () => this.campaigns.replaceCriteria(id, criteriaForm(body ?? {}), user.id),
      body ?? {},
    );
  }

  @Post(':id/transitions')
  async transition(
    @Param('id') id: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    return this.act(id, req, reply, 'transition', 'transition', async () => {
      const to = formString(body?.to) as CampaignStatus;
      if (!Object.values(CampaignStatus).includes(to)) throw new ValidationError('to: неизвестный этап');
      await this.lifecycle.transition(id, to, user.id);
    });
  }

  /** Runs one form action: success → 303 back with a message; a refusal → the page again with the reasons. */
  private async act(
    id: string,
    req: FastifyRequest,
    reply: FastifyReply,
    done: string,
    form: string,
    action: () => Promise<unknown>,
    values: Form = {},
  ) {
    try {
      await action();
      return reply.redirect(`/organizer/campaigns/${id}?done=${done}#${form}`, 303);
    } catch (err) {
      const [status, extra] = this.failure(err);
      // the summary at the top of the page links to the form that failed
      const formErrors = (extra.formErrors as { message: string }[]).map((e) => ({ ...e, field: form }));
      return this.renderCampaign(id, req, reply, status, { ...extra, formErrors, failedForm: form, values });
    }
  }

  private failure(err: unknown): [number, Record<string, unknown>] {
    if (!(err instanceof DomainError) || err.status >= 500 || err.status === 404) throw err;
    const messages = Array.isArray(err.messages) ? err.messages : [err.messages];
    return [
      err.status,
      {
        formError: err.status === 409 ? 'Действие сейчас невозможно' : 'Проверьте введённые данные',
        formErrors: messages.map((message) => ({ field: '', message })),
        errors: err.fieldErrors,
      },
    ];
  }

  private async renderList(req: FastifyRequest, reply: FastifyReply, status: number, extra: Record<string, unknown>) {
    const campaigns = await this.campaigns.list();
    const html = this.views.render('pages/organizer/campaigns', pageContext(req, { title: 'Кампании', campaigns, values: {}, ...extra }));
    return reply.status(status).type('text/html; charset=utf-8').send(html);
  }

  private async renderCampaign(id: string, req: FastifyRequest, reply: FastifyReply, status: number, extra: Record<string, unknown>) {
    const entity = await this.campaigns.find(id);
    const campaign = campaignView(entity);
    const [documents, questions, criteria, transitions, figures, scheduleFailures, territories, organizations] = await Promise.all([
      this.documents.list(id),
      this.questions.list(id),
      this.campaigns.criteria(id),
      this.lifecycle.availableTransitions(id),
      this.figures.figures(id),
      this.lifecycle.scheduledFailures(id),
      this.reference.territories(),
      this.reference.organizations(),
    ]);
    const docTitles = new Map(documents.map((d) => [d.id, d.title]));
    const html = this.views.render(
      'pages/organizer/campaign',
      pageContext(req, {
        title: campaign.title,
        campaign,
        entity,
        documents,
        questions: questions.map((q, i) => ({
          ...q,
          kindLabel: KIND_LABELS[q.kind],
          documentTitle: q.documentId ? (docTitles.get(q.documentId) ?? '') : '',
          choice: q.kind === 'single' || q.kind === 'multi',
          optionsText: q.options
            .filter((o) => !o.exclusive)
            .map((o) => o.text)
            .join('\n'),
          exclusiveText: q.options.find((o) => o.exclusive)?.text ?? '',
          first: i === 0,
          last: i === questions.length - 1,
        })),
        criteria,
        criteriaText: criteria.map((c) => c.text).join('\n'),
        transitions,
        scheduleFailures,
        figures,
        directions: referenceData().directions,
        territories: territories
          .filter((x) => x.active)
          .map((x) => ({ id: x.id, name: `${x.name} (${(TERRITORY_KIND_LABELS[x.kind] ?? x.kind).toLowerCase()})` })),
        organizations: organizations.map((o) => ({ id: o.id, name: o.name })),
        isDraft: entity.status === CampaignStatus.Draft,
        canAddDocuments: entity.status === CampaignStatus.Draft,
        canAddVersions:
          !entity.frozenAt && [CampaignStatus.Draft, CampaignStatus.Discussion, CampaignStatus.Revision].includes(entity.status),
        canEditCriteria: criteriaEditable(entity),
        publicUrl: `${this.config.APP_URL}/c/${entity.slug}`,
        uploadLimitMb: Math.round((this.config.UPLOAD_MAX_BYTES / 1024 / 1024) * 10) / 10,
        errors: {},
        values: {},
        ...extra,
      }),
    );
    return reply.status(status).type('text/html; charset=utf-8').send(html);
  }
}
