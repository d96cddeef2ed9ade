import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { referenceData } from '../../src/reference/reference-data';

export interface FactoryOption {
  id: string;
  text: string;
  exclusive: boolean;
}

export interface FactoryQuestion {
  id: string;
  documentId: string | null;
  kind: 'single' | 'multi' | 'scale' | 'text';
  text: string;
  required: boolean;
  scaleMin: number | null;
  scaleMax: number | null;
  maxLength: number | null;
  options: FactoryOption[];
}

export interface FactoryCampaign {
  id: string;
  slug: string;
  title: string;
  documents: { id: string; title: string }[];
  questions: FactoryQuestion[];
}

export interface CampaignSpec {
  status?: 'draft' | 'discussion' | 'revision' | 'expertise' | 'completed' | 'archived';
  title?: string;
  documents?: number;
  /** ISO time or SQL expression result; null = no deadline. */
  closesAt?: Date | null;
  /** Adds two general questions: a required single choice and an optional text (maxLength 200). */
  generalQuestions?: boolean;
}

/**
 * A campaign with documents and questions inserted directly (the organizer API is not needed to test the public side):
 * each document gets the default questions from reference.json (multi with an exclusive option, scale 1..5, text).
 */
export async function createCampaign(ds: DataSource, spec: CampaignSpec = {}): Promise<FactoryCampaign> {
  const slug = `c-${randomBytes(5).toString('hex')}`;
  const title = spec.title ?? `Обсуждение ${slug}`;
  const ref = referenceData();
  return ds.transaction(async (m) => {
    const [{ id }] = await m.query(
      `INSERT INTO campaigns (slug, title, description, status, discussion_closes_at, criterion_scale, status_changed_at, row_version)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, now(), 1) RETURNING id`,
      [
        slug,
        title,
        'Обсуждаем модельные документы.',
        spec.status ?? 'discussion',
        spec.closesAt ?? null,
        JSON.stringify(ref.defaultCriterionScale),
      ],
    );
    const documents: FactoryCampaign['documents'] = [];
    const questions: FactoryQuestion[] = [];
    let order = 0;
    const addQuestion = async (documentId: string | null, q: (typeof ref.defaultDiscussionQuestions)[number]) => {
      const [row] = await m.query(
        `INSERT INTO questions (campaign_id, document_id, kind, text, required, sort_order, scale_min, scale_max, scale_min_label,
                                scale_max_label, max_length)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [
          id,
          documentId,
          q.kind,
          q.text,
          q.required,
          order++,
          q.scale?.min ?? null,
          q.scale?.max ?? null,
          q.scale?.minLabel ?? null,
          q.scale?.maxLabel ?? null,
          q.maxLength ?? null,
        ],
      );
      const options: FactoryOption[] = [];
      for (const [i, o] of (q.options ?? []).entries()) {
        const [opt] = await m.query(
          `INSERT INTO question_options (question_id, text, exclusive, sort_order) VALUES ($1, $2, $3, $4) RETURNING id`,
          [row.id, o.text, o.exclusive ?? false, i],
        );
        options.push({ id: opt.id, text: o.text, exclusive: o.exclusive ?? false });
      }
      questions.push({
        id: row.id,
        documentId,
        kind: q.kind,
        text: q.text,
        required: q.required,
        scaleMin: q.scale?.min ?? null,
        scaleMax: q.scale?.max ?? null,
        maxLength: q.maxLength ?? null,
        options,
      });
    };
    for (let i = 0; i < (spec.documents ?? 1); i++) {
      const docTitle = `Модельный документ ${i + 1}`;
      const [doc] = await m.query(
        `INSERT INTO documents (campaign_id, title, description, sort_order, current_version_number) VALUES ($1, $2, '', $3, 1) RETURNING id`,
        [id, docTitle, i],
      );
      await m.query(
        `INSERT INTO document_versions (document_id, number, file_name, content_type, size, sha256, storage_key)
         VALUES ($1, 1, $2, 'application/pdf', 1024, $3, $4)`,
        [doc.id, `document-${i + 1}.pdf`, '0'.repeat(64), `documents/${doc.id}/1`],
      );
      documents.push({ id: doc.id, title: docTitle });
      for (const q of ref.defaultDiscussionQuestions) await addQuestion(doc.id, q);
    }
    if (spec.generalQuestions) {
      await addQuestion(null, {
        kind: 'single',
        text: 'Откуда вы узнали об обсуждении?',
        required: true,
        options: [{ text: 'От руководителя' }, { text: 'На сайте' }, { text: 'Другое' }],
      });
      await addQuestion(null, { kind: 'text', text: 'Общие замечания', required: false, maxLength: 200 });
    }
    return { id, slug, title, documents, questions };
  });
}

export interface ReferenceIds {
  territoryId: string;
  inactiveTerritoryId?: string;
  organizationType: string;
  position: string;
  organizationId: string;
}

/** Reference rows seeded by the test run's global setup. */
export async function referenceIds(ds: DataSource): Promise<ReferenceIds> {
  const [t] = await ds.query(`SELECT id FROM territories WHERE active ORDER BY sort_order LIMIT 1`);
  const [o] = await ds.query(`SELECT id FROM organizations ORDER BY name LIMIT 1`);
  return { territoryId: t.id, organizationType: 'school', position: 'teacher', organizationId: o.id };
}

/** A complete, valid submission: the first non-exclusive option of choice questions, the top of scales, a text. */
export function validSubmission(c: FactoryCampaign, ref: ReferenceIds, text = 'Полезный документ') {
  return {
    profile: { territoryId: ref.territoryId, organizationType: ref.organizationType, position: ref.position },
    answers: c.questions.map((q) => {
      if (q.kind === 'single' || q.kind === 'multi') return { questionId: q.id, optionIds: [q.options[0].id] };
      if (q.kind === 'scale') return { questionId: q.id, value: q.scaleMax! };
      return { questionId: q.id, text };
    }),
  };
}
