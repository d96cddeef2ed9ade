import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CampaignStatus } from '../campaigns/campaign-status';
import { QuestionKind } from '../campaigns/entities/question.entity';
import { QuestionsService } from '../campaigns/questions.service';
import { AppConfig } from '../config/app.config';
import { referenceData } from '../reference/reference-data';
import { StorageService, StoredFile } from '../storage/storage.service';
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

/**
 * `seed:demo`: demo users and one campaign in `discussion` with documents, files, questions, criteria and a
 * few responses. Written with SQL directly (not through the campaign services) so it stays a fixture;
 * running it twice creates nothing twice (users by email, the campaign by slug).
 */
@Injectable()
export class DemoSeedService {
  private readonly logger = new Logger(DemoSeedService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly userCommands: UserCommandService,
    private readonly questions: QuestionsService,
    private readonly storage: StorageService,
    private readonly config: AppConfig,
  ) {}

  async seed(): Promise<DemoSeedResult> {
    let usersCreated = 0;
    for (const login of DEMO_LOGINS) {
      const [exists] = await this.dataSource.query(`SELECT 1 FROM users WHERE email = $1`, [login.email]);
      if (exists) continue;
      await this.userCommands.create(login);
      usersCreated++;
    }
    const [existing] = await this.dataSource.query(`SELECT id FROM campaigns WHERE slug = $1`, [DEMO_CAMPAIGN_SLUG]);
    if (existing) {
      const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM responses WHERE campaign_id = $1`, [existing.id]);
      return { usersCreated, campaignCreated: false, campaignId: existing.id, responses: count };
    }
    // files first (outside the transaction): an orphan file after a failure is harmless, a row without its file is not
    const files: StoredFile[] = [];
    for (const doc of DEMO_DOCUMENTS) files.push(await this.storage.put('documents', demoPdf(doc.pdf)));
    const result = await this.dataSource.transaction(async (m) => {
      const [{ id: organizerId }] = await m.query(`SELECT id FROM users WHERE email = 'organizer@demo.local'`);
      const [{ id: campaignId }] = await m.query(
        `INSERT INTO campaigns (slug, title, description, status, discussion_opens_at, discussion_closes_at,
                                expertise_opens_at, expertise_closes_at, criterion_scale, status_changed_at, created_by, row_version)
         VALUES ($1, $2, $3, $4, now() - interval '1 day', now() + interval '30 days',
                 now() + interval '45 days', now() + interval '75 days', $5::jsonb, now(), $6, 1)
         ON CONFLICT (slug) DO NOTHING RETURNING id`,
        [
          DEMO_CAMPAIGN_SLUG,
          'Модельные документы 2026',
          'Демонстрационная кампания: профессионально-общественное обсуждение модельных документов региональной системы оценки качества образования.',
          CampaignStatus.Discussion,
          JSON.stringify(referenceData().defaultCriterionScale),
          organizerId,
        ],
      );
      const questionIds = await this.seedDocumentsAndQuestions(m, campaignId, organizerId, files);
      for (const [i, text] of referenceData().defaultExpertCriteria.entries()) {
        await m.query(`INSERT INTO criteria (campaign_id, text, sort_order) VALUES ($1, $2, $3)`, [campaignId, text, i]);
      }
      const responses = await this.seedResponses(m, campaignId, questionIds);
      return { campaignId, responses };
    });
    this.logger.log(`demo campaign ${result.campaignId} created with ${result.responses} responses`);
    return { usersCreated, campaignCreated: true, ...result };
  }

  private async seedDocumentsAndQuestions(
    m: EntityManager,
    campaignId: string,
    organizerId: string,
    files: { key: string; size: number; sha256: string }[],
  ): Promise<SeededQuestion[]> {
    const [{ id: generalId }] = await m.query(
      `INSERT INTO questions (campaign_id, document_id, kind, text, required, sort_order) VALUES ($1, NULL, 'single', $2, true, 0) RETURNING id`,
      [campaignId, GENERAL_QUESTION.text],
    );
    await m.query(
      `INSERT INTO question_options (question_id, text, sort_order) SELECT $1, t, i - 1 FROM unnest($2::text[]) WITH ORDINALITY AS o(t, i)`,
      [generalId, GENERAL_QUESTION.options],
    );
    for (const [i, doc] of DEMO_DOCUMENTS.entries()) {
      const [{ id: documentId }] = await m.query(
        `INSERT INTO documents (campaign_id, title, description, direction_code, sort_order, current_version_number)
         VALUES ($1, $2, $3, $4, $5, 1) RETURNING id`,
        [campaignId, doc.title, 'Проект модельного документа для обсуждения.', doc.direction, i],
      );
      await m.query(
        `INSERT INTO document_versions (document_id, number, file_name, content_type, size, sha256, storage_key, notes, created_by)
         VALUES ($1, 1, $2, 'application/pdf', $3, $4, $5, 'Первая редакция', $6)`,
        [documentId, `model-document-${i + 1}.pdf`, files[i].size, files[i].sha256, files[i].key, organizerId],
      );
      // the same default questionnaire an organizer's upload adds
      await this.questions.addDefaultQuestions(m, campaignId, documentId);
    }
    const rows: {
      id: string;
      kind: QuestionKind;
      scale_min: number | null;
      scale_max: number | null;
      options: SeededQuestion['options'];
    }[] = await m.query(
      `SELECT q.id, q.kind, q.scale_min, q.scale_max,
                coalesce(json_agg(json_build_object('id', o.id, 'exclusive', o.exclusive) ORDER BY o.sort_order)
                         FILTER (WHERE o.id IS NOT NULL), '[]') AS options
           FROM questions q LEFT JOIN question_options o ON o.question_id = q.id
          WHERE q.campaign_id = $1 GROUP BY q.id ORDER BY q.sort_order`,
      [campaignId],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      options: r.options,
      scale: r.scale_min !== null && r.scale_max !== null ? { min: r.scale_min, max: r.scale_max } : null,
    }));
  }

  /** A handful of consistent responses: every required question answered, exclusive options alone. */
  private async seedResponses(m: EntityManager, campaignId: string, questions: SeededQuestion[]): Promise<number> {
    const territories: { id: string }[] = await m.query(`SELECT id FROM territories ORDER BY sort_order LIMIT 6`);
    const orgTypes = ['school', 'school', 'preschool', 'municipal_authority', 'additional', 'methodological_service'];
    const positions = ['teacher', 'head', 'teacher', 'authority_specialist', 'deputy_head', 'methodologist'];
    const comments = ['Документ полезен, предлагаю добавить примеры.', '', 'Нужно сократить раздел 2.', '', 'Поддерживаю.', ''];
    for (let r = 0; r < territories.length; r++) {
      const idempotencyKey = `demo-${r + 1}`;
      const [{ id: responseId }] = await m.query(
        `INSERT INTO responses (campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position, client_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          campaignId,
          `DEMO-${randomBytes(4).toString('hex').toUpperCase()}`,
          idempotencyKey,
          createHash('sha256').update(idempotencyKey).digest('hex'),
          territories[r].id,
          orgTypes[r],
          positions[r],
          createHash('sha256').update(`${this.config.RESPONSE_SALT}|demo-client-${r}`).digest('hex'),
        ],
      );
      for (const [qi, q] of questions.entries()) {
        const seed = r * 7 + qi * 3;
        if (q.kind === QuestionKind.Single) {
          await this.answer(m, responseId, q.id, { optionId: q.options[seed % q.options.length].id });
        } else if (q.kind === QuestionKind.Multi) {
          const exclusive = q.options.find((o) => o.exclusive);
          if (exclusive && r === 3) {
            await this.answer(m, responseId, q.id, { optionId: exclusive.id });
          } else {
            const normal = q.options.filter((o) => !o.exclusive);
            const chosen = new Set([normal[seed % normal.length], normal[(seed + 1 + r) % normal.length]]);
            for (const o of chosen) await this.answer(m, responseId, q.id, { optionId: o.id });
          }
        } else if (q.kind === QuestionKind.Scale && q.scale) {
          const span = q.scale.max - q.scale.min + 1;
          await this.answer(m, responseId, q.id, { value: q.scale.min + ((seed + 3) % span) });
        } else if (q.kind === QuestionKind.Text && comments[r]) {
          await this.answer(m, responseId, q.id, { text: comments[r] });
        }
      }
    }
    return territories.length;
  }

  private async answer(
    m: EntityManager,
    responseId: string,
    questionId: string,
    a: { optionId?: string; value?: number; text?: string },
  ): Promise<void> {
    await m.query(`INSERT INTO response_answers (response_id, question_id, option_id, value, text) VALUES ($1, $2, $3, $4, $5)`, [
      responseId,
      questionId,
      a.optionId ?? null,
      a.value ?? null,
      a.text ?? null,
    ]);
  }
}

interface SeededQuestion {
  id: string;
  kind: QuestionKind;
  options: { id: string; exclusive: boolean }[];
  scale: { min: number; max: number } | null;
}
