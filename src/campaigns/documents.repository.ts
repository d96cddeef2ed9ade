import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { nextSortOrder } from './campaigns.repository';
import { DataSource, DeepPartial, EntityManager, In } from 'typeorm';
import { DocumentVersion } from './entities/document-version.entity';
import { CampaignDocument } from './entities/document.entity';

/** The `documents` and `document_versions` tables. Methods that take an EntityManager run in the caller's transaction. */
@Injectable()
export class DocumentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The place after the campaign's last document. */
  nextSortOrder(m: EntityManager, campaignId: string): Promise<number> {
    return nextSortOrder(m, 'documents', campaignId);
  }

  insertDocument(m: EntityManager, document: DeepPartial<CampaignDocument>): Promise<CampaignDocument> {
    const repo = m.getRepository(CampaignDocument);
    return repo.save(repo.create(document));
  }

  saveDocument(m: EntityManager, document: CampaignDocument): Promise<CampaignDocument> {
    return m.getRepository(CampaignDocument).save(document);
  }

  insertVersion(m: EntityManager, version: DeepPartial<DocumentVersion>): Promise<DocumentVersion> {
    const repo = m.getRepository(DocumentVersion);
    return repo.save(repo.create(version));
  }

  async setCurrentVersion(m: EntityManager, documentId: string, number: number): Promise<void> {
    await m.getRepository(CampaignDocument).update({ id: documentId }, { currentVersionNumber: number });
  }

  findById(id: string): Promise<CampaignDocument | null> {
    return this.dataSource.getRepository(CampaignDocument).findOneBy({ id });
  }

  findInCampaign(campaignId: string, id: string, m: EntityManager = this.dataSource.manager): Promise<CampaignDocument | null> {
    return m.getRepository(CampaignDocument).findOneBy({ id, campaignId });
  }

  byCampaign(campaignId: string): Promise<CampaignDocument[]> {
    return this.dataSource.getRepository(CampaignDocument).find({ where: { campaignId }, order: { sortOrder: 'ASC' } });
  }

  /** Every version of the documents, by number. */
  versionsOf(documentIds: string[], m: EntityManager = this.dataSource.manager): Promise<DocumentVersion[]> {
    if (!documentIds.length) return Promise.resolve([]);
    return m.getRepository(DocumentVersion).find({ where: { documentId: In(documentIds) }, order: { number: 'ASC' } });
  }

  version(documentId: string, number: number): Promise<DocumentVersion | null> {
    return this.dataSource.getRepository(DocumentVersion).findOneBy({ documentId, number });
  }
}
