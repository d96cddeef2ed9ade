import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly } from '../accounts/current-user';
import { ValidationError } from '../common/domain-error';
import { flashFor, isConfirmed, postRedirectGet, sendConfirmPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { AppConfig } from '../config/app.config';
import { StorageService } from '../storage/storage.service';
import { criteriaForm, createCampaignForm, documentForm, formString, updateCampaignForm } from './campaign-forms';
import { CampaignLifecycleService } from './campaign-lifecycle.service';
import { CampaignPageService, DONE } from './campaign-page.service';
import { CAMPAIGN_STATUS_LABELS, CampaignStatus } from './campaign-status';
import { CampaignsService } from './campaigns.service';
import { readDocumentUpload } from './document-upload';
import { DocumentsService } from './documents.service';
import { TransitionConsequencesService } from './transition-consequences.service';

type Form = Record<string, unknown>;

/** Organizer pages: the campaigns list and one campaign with its schedule, documents, questionnaire, criteria and stage. */
@ApiExcludeController()
@OrganizerOnly()
@Controller('organizer/campaigns')
export class CampaignsPagesController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly documents: DocumentsService,
    private readonly lifecycle: CampaignLifecycleService,
    private readonly pages: CampaignPageService,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
    private readonly consequences: TransitionConsequencesService,
    private readonly views: ViewService,
  ) {}

  @Get()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.renderList(req, reply, 200, {});
  }

  @Post()
  async create(@Body() body: Form, @Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: AuthUser) {
    return postRedirectGet(
      reply,
      () => this.campaigns.create(createCampaignForm(body ?? {}), user.id),
      (created) => `/organizer/campaigns/${created.id}?done=created`,
      (err) => {
        const [status, extra] = this.pages.failure(err);
        return this.pages.renderList(req, reply, status, { ...extra, values: body ?? {} });
      },
    );
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query('done') done: string | undefined, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.pages.renderCampaign(id, req, reply, 200, { flash: flashFor(done, DONE) });
  }

  @Post(':id')
  async update(
    @Param('id') id: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    return this.pages.act(id, req, reply, 'saved', 'settings', async () => {
      const c = await this.campaigns.find(id);
      await this.campaigns.update(id, updateCampaignForm(body ?? {}, c.status === CampaignStatus.Draft), user.id);
    });
  }

  @Post(':id/documents')
  async upload(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: AuthUser) {
    return this.pages.act(id, req, reply, 'document', 'document', async () => {
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
    return this.pages.act(id, req, reply, 'version', `version-${documentId}`, async () => {
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
    return this.pages.act(id, req, reply, 'document-saved', `details-${documentId}`, async () => {
      const c = await this.campaigns.find(id);
      await this.documents.updateDocument(id, documentId, documentForm(body ?? {}, !c.frozenAt), user.id);
    });
  }

  @Post(':id/criteria')
  async criteria(
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
    const to = formString(body?.to) as CampaignStatus;
    // every stage move is one-way: an allowed move is made only with confirm=yes, after the page stating its consequence
    if (!isConfirmed(body)) {
      const c = await this.campaigns.find(id);
      const move = (await this.lifecycle.availableTransitions(id)).find((t) => t.to === to);
      if (move && !move.missing.length) {
        const { consequence, details } = await this.consequences.describe(id, c.status, to);
        return sendConfirmPage(reply, this.views, req, {
          title: `Перейти к этапу «${CAMPAIGN_STATUS_LABELS[to]}»?`,
          consequence,
          details,
          action: `/organizer/campaigns/${id}/transitions`,
          fields: { to },
          confirmLabel: `Да, перейти к этапу «${CAMPAIGN_STATUS_LABELS[to]}»`,
          cancelUrl: `/organizer/campaigns/${id}#transition`,
          danger: details.length > 0,
        });
      }
    }
    return this.pages.act(id, req, reply, 'transition', 'transition', async () => {
      if (!Object.values(CampaignStatus).includes(to)) throw new ValidationError('to: неизвестный этап');
      const reason = formString(body?.reason);
      if (reason.length > 2000)
        throw new ValidationError('reason: не длиннее 2000 символов', { reason: 'Причина: не длиннее 2000 символов' });
      await this.lifecycle.transition(id, to, user.id, reason);
    });
  }
}
