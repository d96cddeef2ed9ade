import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { NotFoundError, ValidationError } from '../common/domain-error';
import { referenceData } from '../reference/reference-data';
import { StorageService } from '../storage/storage.service';
import { CampaignStatus } from './campaign-status';
import { documentView, versionView } from './campaign-view';
import { lockCampaign } from './campaigns.service';
import { WrongStageError } from './campaigns.errors';
import { UploadedFile } from './document-upload';
import { UpdateDocumentDto } from './dto/document.dto';
import { QuestionsService } from './questions.service';
import { DocumentVersion } from './entities/document-version.entity';
import { CampaignDocument } from './entities/document.entity';
import { Campaign } from './entities/campaign.entity';
import { isUuid } from '../common/uuid';

export interface NewDocumentInput {
  title?: string;
  description?: string;
  direction?: string;
  authorOrganizationId?: string;
  authorTerritoryId?: string;
  withDefaultQuestions?: string;
}

interface DocumentRefs {
  direction?: string | null;
  authorOrganizationId?: string | null;
  authorTerritoryId?: string | null;
}

/** Checks codes and ids against reference data; an author organization implies its territory when none is given. */
async function checkRefs(
  m: EntityManager,
  refs: DocumentRefs,
): Promise<{ problems: string[]; fieldErrors: Record<string, string>; territoryFromOrganization: string | null }> {
  const problems: string[] = [];
  const fieldErrors: Record<string, string> = {};
  let territoryFromOrganization: string | null = null;
  if (refs.direction && !referenceData().directions.some((d) => d.code === refs.direction)) {
    problems.push('direction: неизвестное направление');
    fieldErrors.direction = 'Неизвестное направление';
  }
  if (refs.authorOrganizationId) {
    const rows: { territory_id: string }[] = isUuid(refs.authorOrganizationId)
      ? await m.query(`SELECT territory_id FROM organizations WHERE id = $1`, [refs.authorOrganizationId])
      : [];
    if (!rows.length) {
      problems.push('authorOrganizationId: неизвестная организация');
      fieldErrors.authorOrganizationId = 'Неизвестная организация';
    } else territoryFromOrganization = rows[0].territory_id;
  }
  if (refs.authorTerritoryId) {
    const rows = isUuid(refs.authorTerritoryId) ? await m.query(`SELECT 1 FROM territories WHERE id = $1`, [refs.authorTerritoryId]) : [];
    if (!rows.length) {
      problems.push('authorTerritoryId: неизвестная территория');
      fieldErrors.authorTerritoryId = 'Неизвестная территория';
    }
  }
  return { problems, fieldErrors, territoryFromOrganization };
}

/** Documents may be added while the questionnaire is still open to change; versions until expertise freezes them. */
const DOCUMENT_ADD_STAGES = [CampaignStatus.Draft];
const VERSION_ADD_STAGES = [CampaignStatus.Draft, CampaignStatus.Discussion, CampaignStatus.Revision];

function parseBool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined || v === '') return fallback;
  return !['false', '0', 'off', 'no'].includes(v.trim().toLowerCase());
}

/** Documents and their versions: upload, new version, download. */
@Injectable()
export class DocumentsService {
  private readonly logger = new Logger(DocumentsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
    private readonly questions: QuestionsService,
  ) {}

  /** Adds a document with its first version (the file is already stored); on any error the file is removed. */
  async addDocument(campaignId: string, input: NewDocumentInput, file: UploadedFile | null, actorId: string) {
    try {
      const title = (input.title ?? '').trim();
      const problems: string[] = [];
      const fieldErrors: Record<string, string> = {};
      if (!title) {
        problems.push('title: укажите название документа');
        fieldErrors.title = 'Укажите название документа';
      } else if (title.length > 500) {
        problems.push('title: не длиннее 500 символов');
        fieldErrors.title = 'Не длиннее 500 символов';
      }
      if (!file) {
        problems.push('file: выберите файл');
        fieldErrors.file = 'Выберите файл';
      }
      const direction = (input.direction ?? '').trim() || null;
      const authorOrganizationId = (input.authorOrganizationId ?? '').trim() || null;
      const authorTerritoryId = (input.authorTerritoryId ?? '').trim() || null;
      const refs = await checkRefs(this.dataSource.manager, { direction, authorOrganizationId, authorTerritoryId });
      problems.push(...refs.problems);
      Object.assign(fieldErrors, refs.fieldErrors);
      if (problems.length) throw new ValidationError(problems, fieldErrors);
      const withDefaults = parseBool(input.withDefaultQuestions, true);
      return await this.dataSource.transaction(async (m) => {
        const campaign = await lockCampaign(m, campaignId);
        if (!DOCUMENT_ADD_STAGES.includes(campaign.status)) {
          throw new WrongStageError('Документы можно добавлять только на этапе подготовки');
        }
        const [{ n }] = await m.query(`SELECT COALESCE(MAX(sort_order), -1) + 1 AS n FROM documents WHERE campaign_id = $1`, [campaignId]);
        const doc = await m.getRepository(CampaignDocument).save(
          m.getRepository(CampaignDocument).create({
            campaignId,
            title,
            description: (input.description ?? '').trim(),
            directionCode: direction,
            authorOrganizationId,
            authorTerritoryId: authorTerritoryId ?? refs.territoryFromOrganization,
            sortOrder: Number(n),
            currentVersionNumber: 1,
          }),
        );
        const version = await m.getRepository(DocumentVersion).save(
          m.getRepository(DocumentVersion).create({
            documentId: doc.id,
            number: 1,
            fileName: file!.fileName,
            contentType: file!.contentType,
            size: file!.size,
            sha256: file!.sha256,
            storageKey: file!.key,
            notes: '',
            createdBy: actorId,
          }),
        );
        if (withDefaults) await this.questions.addDefaultQuestions(m, campaign.id, doc.id);
        const view = documentView(doc, version);
        await this.audit.record(m, {
          actorId,
          action: AuditAction.DocumentCreate,
          entityType: 'document',
          entityId: doc.id,
          campaignId,
          after: view,
        });
        return view;
      });
    } catch (err) {
      if (file) await this.storage.remove(file.key).catch(() => undefined);
      throw err;
    }
  }

  async addVersion(campaignId: string, documentId: string, notes: string | undefined, file: UploadedFile | null, actorId: string) {
    try {
      if (!file) throw new ValidationError('file: выберите файл', { file: 'Выберите файл' });
      const text = (notes ?? '').trim();
      if (text.length > 4000) throw new ValidationError('notes: не длиннее 4000 символов', { notes: 'Не длиннее 4000 символов' });
      return await this.dataSource.transaction(async (m) => {
        const campaign = await lockCampaign(m, campaignId);
        const doc = await this.findDocument(m, campaignId, documentId);
        if (!VERSION_ADD_STAGES.includes(campaign.status) || campaign.frozenAt) {
          throw new WrongStageError('Новую версию можно загрузить только до начала экспертизы');
        }
        const number = doc.currentVersionNumber + 1;
        const version = await m.getRepository(DocumentVersion).save(
          m.getRepository(DocumentVersion).create({
            documentId: doc.id,
            number,
            fileName: file.fileName,
            contentType: file.contentType,
            size: file.size,
            sha256: file.sha256,
            storageKey: file.key,
            notes: text,
            createdBy: actorId,
          }),
        );
        await m.getRepository(CampaignDocument).update({ id: doc.id }, { currentVersionNumber: number });
        const view = versionView(version);
        await this.audit.record(m, {
          actorId,
          action: AuditAction.DocumentVersion,
          entityType: 'document',
          entityId: doc.id,
          campaignId,
          before: { currentVersionNumber: doc.currentVersionNumber },
          after: view,
        });
        return view;
      });
    } catch (err) {
      if (file) await this.storage.remove(file.key).catch(() => undefined);
      throw err;
    }
  }

  /** Title, description, direction and authors; authors and direction are fixed once expertise opens. */
  async updateDocument(campaignId: string, documentId: string, dto: UpdateDocumentDto, actorId: string) {
    return this.dataSource.transaction(async (m) => {
      const campaign = await lockCampaign(m, campaignId);
      const doc = await this.findDocument(m, campaignId, documentId);
      const refsChange = dto.direction !== undefined || dto.authorOrganizationId !== undefined || dto.authorTerritoryId !== undefined;
      if (refsChange && (campaign.frozenAt || !VERSION_ADD_STAGES.includes(campaign.status))) {
        throw new WrongStageError('Направление и авторов документа нельзя изменить после начала экспертизы');
      }
      const refs = await checkRefs(m, dto);
      if (refs.problems.length) throw new ValidationError(refs.problems, refs.fieldErrors);
      const before = documentView(doc, null);
      if (dto.title !== undefined) doc.title = dto.title.trim();
      if (dto.description !== undefined) doc.description = dto.description.trim();
      if (dto.direction !== undefined) doc.directionCode = dto.direction || null;
      if (dto.authorOrganizationId !== undefined) doc.authorOrganizationId = dto.authorOrganizationId || null;
      if (dto.authorTerritoryId !== undefined) doc.authorTerritoryId = dto.authorTerritoryId || null;
      else if (dto.authorOrganizationId && refs.territoryFromOrganization) doc.authorTerritoryId = refs.territoryFromOrganization;
      await m.getRepository(CampaignDocument).save(doc);
      const versions = await m.getRepository(DocumentVersion).find({ where: { documentId }, order: { number: 'ASC' } });
      const after = documentView(doc, versions.find((v) => v.number === doc.currentVersionNumber) ?? null, versions);
      await this.audit.record(m, {
        actorId,
        action: AuditAction.DocumentUpdate,
        entityType: 'document',
        entityId: doc.id,
        campaignId,
        before,
        after,
      });
      return after;
    });
  }

  private async findDocument(m: EntityManager, campaignId: string, documentId: string): Promise<CampaignDocument> {
    if (!isUuid(documentId)) throw new NotFoundError('Документ');
    const doc = await m.getRepository(CampaignDocument).findOneBy({ id: documentId, campaignId });
    if (!doc) throw new NotFoundError('Документ');
    return doc;
  }

  async list(campaignId: string) {
    const docs = await this.dataSource.getRepository(CampaignDocument).find({ where: { campaignId }, order: { sortOrder: 'ASC' } });
    if (!docs.length) return [];
    const versions = await this.dataSource
      .getRepository(DocumentVersion)
      .createQueryBuilder('v')
      .where('v.document_id IN (:...ids)', { ids: docs.map((d) => d.id) })
      .orderBy('v.number', 'ASC')
      .getMany();
    return docs.map((d) => {
      const own = versions.filter((v) => v.documentId === d.id);
      return documentView(d, own.find((v) => v.number === d.currentVersionNumber) ?? null, own);
    });
  }

  async get(campaignId: string, documentId: string) {
    const doc = await this.findDocument(this.dataSource.manager, campaignId, documentId);
    const versions = await this.dataSource.getRepository(DocumentVersion).find({ where: { documentId }, order: { number: 'ASC' } });
    return documentView(doc, versions.find((v) => v.number === doc.currentVersionNumber) ?? null, versions);
  }

  async openVersion(campaignId: string, documentId: string, number: number): Promise<{ version: DocumentVersion; stream: Readable }> {
    const doc = await this.findDocument(this.dataSource.manager, campaignId, documentId);
    const version = await this.dataSource.getRepository(DocumentVersion).findOneBy({ documentId: doc.id, number });
    if (!version) throw new NotFoundError('Версия документа');
    return { version, stream: this.storage.read(version.storageKey) };
  }

  /**
   * The file respondents and experts read without logging in: the current version while the campaign is public,
   * the frozen version once expertise opened. Drafts are not public.
   */
  async openPublic(documentId: string): Promise<{ version: DocumentVersion; stream: Readable }> {
    if (!isUuid(documentId)) throw new NotFoundError('Документ');
    const doc = await this.dataSource.getRepository(CampaignDocument).findOneBy({ id: documentId });
    if (!doc) throw new NotFoundError('Документ');
    const campaign = await this.dataSource.getRepository(Campaign).findOneBy({ id: doc.campaignId });
    if (!campaign || campaign.status === CampaignStatus.Draft) throw new NotFoundError('Документ');
    const number = doc.frozenVersionNumber ?? doc.currentVersionNumber;
    const version = await this.dataSource.getRepository(DocumentVersion).findOneBy({ documentId: doc.id, number });
    if (!version) throw new NotFoundError('Документ');
    return { version, stream: this.storage.read(version.storageKey) };
  }
}
