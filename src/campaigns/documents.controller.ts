import { Body, Controller, Get, Param, ParseIntPipe, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthUser, CurrentUser, OrganizerOnly, Public } from '../accounts/current-user';
import { AppConfig } from '../config/app.config';
import { StorageService } from '../storage/storage.service';
import { CampaignsService } from './campaigns.service';
import { readDocumentUpload } from './document-upload';
import { DocumentsService } from './documents.service';
import { UpdateDocumentDto } from './dto/document.dto';
import { contentDisposition } from './file-type';
import type { DocumentVersion } from './entities/document-version.entity';
import type { Readable } from 'node:stream';
import { DocumentVersionDto, DocumentViewDto } from './dto/campaign.response';
import { ApiErrors, ApiPublicErrors, ApiSignedInErrors, BINARY } from '../common/api-docs';

function sendFile(reply: FastifyReply, file: { version: DocumentVersion; stream: Readable }, disposition: 'attachment' | 'inline') {
  return reply
    .header('content-type', file.version.contentType)
    .header('content-length', String(file.version.size))
    .header('content-disposition', contentDisposition(file.version.fileName, disposition))
    .header('x-content-type-options', 'nosniff')
    .send(file.stream);
}

@ApiTags('campaigns')
@ApiBearerAuth()
@OrganizerOnly()
@ApiSignedInErrors()
@Controller('api/v1/campaigns/:id/documents')
export class DocumentsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly documents: DocumentsService,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOkResponse({ type: [DocumentViewDto] })
  async list(@Param('id') id: string) {
    await this.campaigns.find(id);
    return this.documents.list(id);
  }

  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'title'],
      properties: {
        file: { type: 'string', format: 'binary' },
        title: { type: 'string' },
        description: { type: 'string' },
        direction: { type: 'string' },
        authorOrganizationId: { type: 'string', format: 'uuid' },
        authorTerritoryId: { type: 'string', format: 'uuid' },
        withDefaultQuestions: { type: 'boolean', default: true },
      },
    },
  })
  @ApiCreatedResponse({ type: DocumentViewDto, description: 'The document with its first version' })
  @ApiErrors(409, 413)
  async upload(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply, @CurrentUser() user: AuthUser) {
    await this.campaigns.find(id);
    const { fields, file } = await readDocumentUpload(req, this.storage, this.config.UPLOAD_MAX_BYTES);
    const doc = await this.documents.addDocument(id, fields, file, user.id);
    return reply.status(201).send(doc);
  }

  @Patch(':documentId')
  @ApiOkResponse({ type: DocumentViewDto })
  @ApiErrors(409)
  update(@Param('id') id: string, @Param('documentId') documentId: string, @Body() dto: UpdateDocumentDto, @CurrentUser() user: AuthUser) {
    return this.documents.updateDocument(id, documentId, dto, user.id);
  }

  @Get(':documentId')
  @ApiOkResponse({ type: DocumentViewDto })
  get(@Param('id') id: string, @Param('documentId') documentId: string) {
    return this.documents.get(id, documentId);
  }

  @Post(':documentId/versions')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' }, notes: { type: 'string' } } },
  })
  @ApiCreatedResponse({ type: DocumentVersionDto })
  @ApiErrors(409, 413)
  async addVersion(
    @Param('id') id: string,
    @Param('documentId') documentId: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentUser() user: AuthUser,
  ) {
    await this.documents.get(id, documentId);
    const { fields, file } = await readDocumentUpload(req, this.storage, this.config.UPLOAD_MAX_BYTES);
    const version = await this.documents.addVersion(id, documentId, fields.notes, file, user.id);
    return reply.status(201).send(version);
  }

  @Get(':documentId/versions/:number/file')
  @ApiOkResponse({ description: 'The file of that version', content: { 'application/octet-stream': BINARY } })
  async download(
    @Param('id') id: string,
    @Param('documentId') documentId: string,
    @Param('number', ParseIntPipe) number: number,
    @Res() reply: FastifyReply,
  ) {
    return sendFile(reply, await this.documents.openVersion(id, documentId, number), 'attachment');
  }
}

/** Public downloads for respondents and experts: the current (or, in expertise, the frozen) version. */
@ApiTags('public discussion')
@ApiPublicErrors()
@Controller('files/documents')
export class PublicDocumentFilesController {
  constructor(private readonly documents: DocumentsService) {}

  @Public()
  @Get(':documentId')
  @ApiOkResponse({
    description: 'The version under discussion (or, in expertise, the frozen one)',
    content: { 'application/octet-stream': BINARY },
  })
  async download(@Param('documentId') documentId: string, @Res() reply: FastifyReply) {
    return sendFile(reply, await this.documents.openPublic(documentId), 'attachment');
  }
}

/** The URL the public API gives as a document's `fileUrl`. */
export function publicFileUrl(documentId: string): string {
  return `/files/documents/${documentId}`;
}
