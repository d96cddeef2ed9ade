import { Injectable, Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { NotFoundError, ValidationError } from '../common/domain-error';
import { referenceData } from '../reference/reference-data';
import { ReferenceService } from '../reference/reference.service';
import { StorageService } from '../storage/storage.service';
import { CampaignStatus } from './campaign-status';
import { documentView, versionView } from './campaign-view';
import { CampaignsRepository } from './campaigns.repository';
import { lockCampaign } from './campaigns.service';
import { WrongStageError } from './campaigns.errors';
import { UploadedFile } from './document-upload';
import { UpdateDocumentDto } from './dto/document.dto';
import { QuestionsService } from './questions.service';
import { DocumentsRepository } from './documents.repository';
import { DocumentVersion } from './entities/document-version.entity';
import { CampaignDocument } from './entities/document.entity';
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
  reference: ReferenceService,
  m: EntityManager | undefined,
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
    const territory = isUuid(refs.authorOrganizationId) ? await reference.organizationTerritory(refs.authorOrganizationId, m) : null;
    if (!territory) {
      problems.push('authorOrganizationId: неизвестная организация');
      fieldErrors.authorOrganizationId = 'Неизвестная организация';
    } else territoryFromOrganization = territory;
  }
  if (refs.authorTerritoryId) {
    if (!(isUuid(refs.authorTerritoryId) && (await reference.territoryExists(refs.authorTerritoryId, m)))) {
      problems.push('authorTerritoryId: неизвестная территория');
      fieldErrors.authorTerritoryId = 'Неизвестная территория';
    }
  }
  return { problems, fieldErrors, territoryFromOrganization };
}

/** Documents may be added while the questionnaire is still open to change; versions until expertise freezes them. */
const DOCUMENT_ADD_STAGES = [CampaignStatus.Draft];
const VERSION_ADD_STAGES = [CampaignStatus.Draft, CampaignStatus.Discussion, CampaignStatus.Revision];

/** A new version's columns from its stored file. */
function versionFields(file: UploadedFile, actorId: string, notes: string) {
  return {
    fileName: file.fileName,
    contentType: file.contentType,
    size: file.size,
    sha256: file.sha256,
    storageKey: file.key,
    notes,
    createdBy: actorId,
  };
}

function parseBool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined || v === '') return fallback;
  return !['false', '0', 'off', 'no'].includes(v.trim().toLowerCase());
}

/** Documents and their versions: upload, new version, download. */
@Injectable()
export class DocumentsService {
  private readonly logger = new Logger(DocumentsService.name);

  constructor(
    private readonly repo: DocumentsRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly reference: ReferenceService,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
    private readonly questions: QuestionsService,
  ) {}

  /** Adds a document with its first version (the file is already stored); on any error the file is removed. */
  async addDocument(campaignId: string, input: NewDocumentInput, file: UploadedFile | null, actorId: string) {
    try {
      const fields = await this.checkNewDocument(input, file);
      const withDefaults = parseBool(input.withDefaultQuestions, true);
      return await this.repo.transaction(async (m) => {
        const campaign = await lockCampaign(m, campaignId);
        if (!DOCUMENT_ADD_STAGES.includes(campaign.status)) {
          throw new WrongStageError('Документы можно добавлять только на этапе подготовки');
        }
        const doc = await this.repo.insertDocument(m, {
          ...fields,
          campaignId,
          sortOrder: await this.repo.nextSortOrder(m, campaignId),
          currentVersionNumber: 1,
        });
        const version = await this.repo.insertVersion(m, { ...versionFields(file!, actorId, ''), documentId: doc.id, number: 1 });
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

  /** A new document's own columns from the form, or every problem with it at once (the file missing among them). */
  private async checkNewDocument(input: NewDocumentInput, file: UploadedFile | null) {
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
    const refs = await checkRefs(this.reference, undefined, { direction, authorOrganizationId, authorTerritoryId });
    problems.push(...refs.problems);
    Object.assign(fieldErrors, refs.fieldErrors);
    if (problems.length) throw new ValidationError(problems, fieldErrors);
    return {
      title,
      description: (input.description ?? '').trim(),
      directionCode: direction,
      authorOrganizationId,
      authorTerritoryId: authorTerritoryId ?? refs.territoryFromOrganization,
    };
  }

  async addVersion(campaignId: string, documentId: string, notes: string | undefined, file: UploadedFile | null, actorId: string) {
    try {
      if (!file) throw new ValidationError('file: выберите файл', { file: 'Выберите файл' });
      const text = (notes ?? '').trim();
      if (text.length > 4000) throw new ValidationError('notes: не длиннее 4000 символов', { notes: 'Не длиннее 4000 символов' });
      return await this.repo.transaction(async (m) => {
        const campaign = await lockCampaign(m, campaignId);
        const doc = await this.findDocument(m, campaignId, documentId);
        if (!VERSION_ADD_STAGES.includes(campaign.status) || campaign.frozenAt) {
          throw new WrongStageError('Новую версию можно загрузить только до начала экспертизы');
        }
        const number = doc.currentVersionNumber + 1;
        const version = await this.repo.insertVersion(m, { ...versionFields(file, actorId, text), documentId: doc.id, number });
        await this.repo.setCurrentVersion(m, doc.id, number);
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
    return this.repo.transaction(async (m) => {
      const campaign = await lockCampaign(m, campaignId);
      const doc = await this.findDocument(m, campaignId, documentId);
      const refsChange = dto.direction !== undefined || dto.authorOrganizationId !== undefined || dto.authorTerritoryId !== undefined;
      if (refsChange && (campaign.frozenAt || !VERSION_ADD_STAGES.includes(campaign.status))) {
        throw new WrongStageError('Направление и авторов документа нельзя изменить после начала экспертизы');
      }
      const refs = await checkRefs(this.reference, m, dto);
      if (refs.problems.length) throw new ValidationError(refs.problems, refs.fieldErrors);
      const before = documentView(doc, null);
      if (dto.title !== undefined) doc.title = dto.title.trim();
      if (dto.description !== undefined) doc.description = dto.description.trim();
      if (dto.direction !== undefined) doc.directionCode = dto.direction || null;
      if (dto.authorOrganizationId !== undefined) doc.authorOrganizationId = dto.authorOrganizationId || null;
      if (dto.authorTerritoryId !== undefined) doc.authorTerritoryId = dto.authorTerritoryId || null;
      else if (dto.authorOrganizationId && refs.territoryFromOrganization) doc.authorTerritoryId = refs.territoryFromOrganization;
      await this.repo.saveDocument(m, doc);
      const versions = await this.repo.versionsOf([documentId], m);
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

  private async findDocument(m: EntityManager | undefined, campaignId: string, documentId: string): Promise<CampaignDocument> {
    if (!isUuid(documentId)) throw new NotFoundError('Документ');
    const doc = await this.repo.findInCampaign(campaignId, documentId, m);
    if (!doc) throw new NotFoundError('Документ');
    return doc;
  }

  async list(campaignId: string) {
    const docs = await this.repo.byCampaign(campaignId);
    if (!docs.length) return [];
    const versions = await this.repo.versionsOf(docs.map((d) => d.id));
    return docs.map((d) => {
      const own = versions.filter((v) => v.documentId === d.id);
      return documentView(d, own.find((v) => v.number === d.currentVersionNumber) ?? null, own);
    });
  }

  async get(campaignId: string, documentId: string) {
    const doc = await this.findDocument(undefined, campaignId, documentId);
    const versions = await this.repo.versionsOf([documentId]);
    return documentView(doc, versions.find((v) => v.number === doc.currentVersionNumber) ?? null, versions);
  }

  async openVersion(campaignId: string, documentId: string, number: number): Promise<{ version: DocumentVersion; stream: Readable }> {
    const doc = await this.findDocument(undefined, campaignId, documentId);
    const version = await this.repo.version(doc.id, number);
    if (!version) throw new NotFoundError('Версия документа');
    return { version, stream: this.storage.read(version.storageKey) };
  }

  /**
   * The file respondents and experts read without logging in: the current version while the campaign is public,
   * the frozen version once expertise opened. Drafts are not public.
   */
  async openPublic(documentId: string): Promise<{ version: DocumentVersion; stream: Readable }> {
    if (!isUuid(documentId)) throw new NotFoundError('Документ');
    const doc = await this.repo.findById(documentId);
    if (!doc) throw new NotFoundError('Документ');
    const campaign = await this.campaigns.findById(doc.campaignId);
    if (!campaign || campaign.status === CampaignStatus.Draft) throw new NotFoundError('Документ');
    const number = doc.frozenVersionNumber ?? doc.currentVersionNumber;
    const version = await this.repo.version(doc.id, number);
    if (!version) throw new NotFoundError('Документ');
    return { version, stream: this.storage.read(version.storageKey) };
  }
}
