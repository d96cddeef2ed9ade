import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { UsersService } from '../accounts/users.service';
import { CampaignStatus } from '../campaigns/campaign-status';
import { CampaignsRepository } from '../campaigns/campaigns.repository';
import { DocumentsRepository } from '../campaigns/documents.repository';
import { QuestionKind } from '../campaigns/entities/question.entity';
import { QuestionsRepository } from '../campaigns/questions.repository';
import { QuestionsService } from '../campaigns/questions.service';
import { AppConfig } from '../config/app.config';
import { referenceData } from '../reference/reference-data';
import { ReferenceService } from '../reference/reference.service';
import { StorageService, StoredFile } from '../storage/storage.service';
import { CliRepository, DemoAnswer } from './cli.repository';
import { DEMO_LOGINS } from './demo-logins';
import { demoPdf } from './demo-pdf';
import { UserCommandService } from './user-command.service';

export { DEMO_LOGINS } from './demo-logins';
export type { DemoLogin } from './demo-logins';

export const DEMO_CAMPAIGN_SLUG = 'modelnye-dokumenty-2026';

const DEMO_DOCUMENTS = [
  {
    title: 'Модельная программа развития муниципальной системы оценки качества образования',
    pdf: ['Model document 1', 'Municipal education quality assessment', 'development programme (demo file)'],
    direction: 'quality_assessment',
  },
  {
    title: 'Методический альбом «Школьный климат»',
    pdf: ['Model document 2', 'Methodological album: school climate', '(demo file)'],
    direction: 'school_climate',
  },
  {
    title: 'Дорожная карта профессиональной ориентации обучающихся',
    pdf: ['Model document 3', 'Road map: career guidance of students', '(demo file)'],
    direction: 'career_guidance',
  },
];

const GENERAL_QUESTION = {
  text: 'Откуда вы узнали об обсуждении?',
  options: ['Письмо органа управления образованием', 'Сайт регионального центра', 'От коллег', 'Другое'],
};

export interface DemoSeedResult {
  usersCreated: number;
  campaignCreated: boolean;
  campaignId: string;
  responses: number;
}

interface SeededQuestion {
  id: string;
  kind: QuestionKind;
  options: { id: string; exclusive: boolean }[];
  scale: { min: number; max: number } | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS);

/**
 * `seed:demo`: demo users and one campaign in `discussion` with documents, files, questions, criteria and a few
 * responses. A fixture, written through the campaigns module's repositories rather than its services: the campaign
 * starts in its discussion stage with dates around today, which no service makes (the lifecycle would audit and queue
 * the move). Responses go through CliRepository (see there why). Running it twice creates nothing twice (users by
 * email, the campaign by slug).
 */
@Injectable()
export class DemoSeedService {
  private readonly logger = new Logger(DemoSeedService.name);

  constructor(
    private readonly users: UsersService,
    private readonly userCommands: UserCommandService,
    private readonly campaigns: CampaignsRepository,
    private readonly documents: DocumentsRepository,
    private readonly questionRows: QuestionsRepository,
    private readonly questions: QuestionsService,
    private readonly reference: ReferenceService,
    private readonly cli: CliRepository,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
  ) {}

  async seed(): Promise<DemoSeedResult> {
    let usersCreated = 0;
    for (const login of DEMO_LOGINS) {
      if (await this.users.findByEmail(login.email)) continue;
      await this.userCommands.create(login);
      usersCreated++;
    }
    const existing = await this.campaigns.findBySlug(DEMO_CAMPAIGN_SLUG);
    if (existing) {
      return { usersCreated, campaignCreated: false, campaignId: existing.id, responses: await this.cli.responseCount(existing.id) };
    }
    // files first (outside the transaction): an orphan file after a failure is harmless, a row without its file is not
    const files: StoredFile[] = [];
    for (const doc of DEMO_DOCUMENTS) files.push(await this.storage.put('documents', demoPdf(doc.pdf)));
    const organizer = await this.users.findByEmail('organizer@demo.local');
    const territories = (await this.reference.territories()).slice(0, 6).map((t) => t.id);
    const result = await this.campaigns.transaction(async (m) => {
      const campaignId = await this.seedCampaign(m, organizer!.id);
      const questionIds = await this.seedDocumentsAndQuestions(m, campaignId, organizer!.id, files);
      await this.campaigns.insertCriteria(
        m,
        campaignId,
        referenceData().defaultExpertCriteria.map((text) => ({ text })),
      );
      const responses = await this.seedResponses(m, campaignId, questionIds, territories);
      return { campaignId, responses };
    });
    this.logger.log(`demo campaign ${result.campaignId} created with ${result.responses} responses`);
    return { usersCreated, campaignCreated: true, ...result };
  }

  private async seedCampaign(m: EntityManager, organizerId: string): Promise<string> {
    const campaign = await this.campaigns.insert(m, {
      slug: DEMO_CAMPAIGN_SLUG,
      title: 'Модельные документы 2026',
      description:
        'Демонстрационная кампания: профессионально-общественное обсуждение модельных документов региональной системы оценки качества образования.',
      status: CampaignStatus.Discussion,
      discussionOpensAt: daysFromNow(-1),
      discussionClosesAt: daysFromNow(30),
      expertiseOpensAt: daysFromNow(45),
      expertiseClosesAt: daysFromNow(75),
      criterionScale: referenceData().defaultCriterionScale,
      statusChangedAt: new Date(),
      createdBy: organizerId,
    });
    return campaign.id;
  }

  private async seedDocumentsAndQuestions(
    m: EntityManager,
    campaignId: string,
    organizerId: string,
    files: StoredFile[],
  ): Promise<SeededQuestion[]> {
    const general = await this.questionRows.insert(m, {
      campaignId,
      documentId: null,
      kind: QuestionKind.Single,
      text: GENERAL_QUESTION.text,
      required: true,
      sortOrder: 0,
    });
    await this.questionRows.insertOptions(
      m,
      general.id,
      GENERAL_QUESTION.options.map((text) => ({ text, exclusive: false })),
    );
    for (const [i, doc] of DEMO_DOCUMENTS.entries()) {
      const document = await this.documents.insertDocument(m, {
        campaignId,
        title: doc.title,
        description: 'Проект модельного документа для обсуждения.',
        directionCode: doc.direction,
        sortOrder: i,
        currentVersionNumber: 1,
      });
      await this.documents.insertVersion(m, {
        documentId: document.id,
        number: 1,
        fileName: `model-document-${i + 1}.pdf`,
        contentType: 'application/pdf',
        size: files[i].size,
        sha256: files[i].sha256,
        storageKey: files[i].key,
        notes: 'Первая редакция',
        createdBy: organizerId,
      });
      // the same default questionnaire an organizer's upload adds
      await this.questions.addDefaultQuestions(m, campaignId, document.id);
    }
    return (await this.questionRows.listWithOptions(campaignId, m)).map((q) => ({
      id: q.id,
      kind: q.kind,
      options: (q.options ?? []).sort((a, b) => a.sortOrder - b.sortOrder).map((o) => ({ id: o.id, exclusive: o.exclusive })),
      scale: q.scaleMin !== null && q.scaleMax !== null ? { min: q.scaleMin, max: q.scaleMax } : null,
    }));
  }

  /** A handful of consistent responses, one per territory: every required question answered, exclusive options alone. */
  private async seedResponses(m: EntityManager, campaignId: string, questions: SeededQuestion[], territories: string[]): Promise<number> {
    const orgTypes = ['school', 'school', 'preschool', 'municipal_authority', 'additional', 'methodological_service'];
    const positions = ['teacher', 'head', 'teacher', 'authority_specialist', 'deputy_head', 'methodologist'];
    const comments = ['Документ полезен, предлагаю добавить примеры.', '', 'Нужно сократить раздел 2.', '', 'Поддерживаю.', ''];
    for (let r = 0; r < territories.length; r++) {
      const idempotencyKey = `demo-${r + 1}`;
      const responseId = await this.cli.insertResponse(m, {
        campaignId,
        receipt: `DEMO-${randomBytes(4).toString('hex').toUpperCase()}`,
        idempotencyKey,
        bodyHash: createHash('sha256').update(idempotencyKey).digest('hex'),
        territoryId: territories[r],
        organizationType: orgTypes[r],
        position: positions[r],
        clientHash: createHash('sha256').update(`${this.config.RESPONSE_SALT}|demo-client-${r}`).digest('hex'),
      });
      for (const [qi, q] of questions.entries()) {
        for (const answer of demoAnswers(q, r, r * 7 + qi * 3, comments[r])) await this.cli.insertAnswer(m, responseId, q.id, answer);
      }
    }
    return territories.length;
  }
}

/** The answers of demo response `r` to one question (`seed` varies the choice); none for an empty comment. */
function demoAnswers(q: SeededQuestion, r: number, seed: number, comment: string): DemoAnswer[] {
  if (q.kind === QuestionKind.Single) return [{ optionId: q.options[seed % q.options.length].id }];
  if (q.kind === QuestionKind.Multi) {
    const exclusive = q.options.find((o) => o.exclusive);
    if (exclusive && r === 3) return [{ optionId: exclusive.id }];
    const normal = q.options.filter((o) => !o.exclusive);
    const chosen = new Set([normal[seed % normal.length], normal[(seed + 1 + r) % normal.length]]);
    return [...chosen].map((o) => ({ optionId: o.id }));
  }
  if (q.kind === QuestionKind.Scale && q.scale) {
    const span = q.scale.max - q.scale.min + 1;
    return [{ value: q.scale.min + ((seed + 3) % span) }];
  }
  if (q.kind === QuestionKind.Text && comment) return [{ text: comment }];
  return [];
}
