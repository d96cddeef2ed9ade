import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CampaignStatus } from '../campaigns/campaign-status';
import { QuestionKind } from '../campaigns/entities/question.entity';

/** A campaign as the public questionnaire sees it; updated_at as text, the key of the compiled questionnaire. */
export interface PublicCampaignRow {
  id: string;
  slug: string;
  title: string;
  description: string;
  status: CampaignStatus;
  closes_at: Date | null;
  updated_at: string;
}

export interface OpenCampaignRow {
  slug: string;
  title: string;
  description: string;
  closes_at: Date | null;
}

export interface PublicDocumentRow {
  id: string;
  title: string;
  description: string;
  current_version_number: number;
}

/** One question with its options (in order) as one JSON array. */
export interface QuestionnaireQuestionRow {
  id: string;
  document_id: string | null;
  kind: QuestionKind;
  text: string;
  required: boolean;
  scale_min: number | null;
  scale_max: number | null;
  scale_min_label: string | null;
  scale_max_label: string | null;
  max_length: number | null;
  options: { id: string; text: string; exclusive: boolean }[];
}

export interface CodeNameRow {
  code: string;
  name: string;
}

/** The choices of the questionnaire's profile block. */
export interface FormListRows {
  territories: { id: string; name: string }[];
  organizationTypes: CodeNameRow[];
  positions: CodeNameRow[];
}

/** Every id and code a submission may name, for validation in memory. */
export interface ReferenceIdRows {
  territories: { id: string }[];
  organizationTypes: { code: string }[];
  positions: { code: string }[];
  organizations: { id: string }[];
}

/**
 * What the public questionnaire reads: the campaign by slug, its documents and questions (campaigns' tables) and the
 * reference lists and ids (reference's), read directly because the questionnaire caches them all in memory and
 * validates every submission against them without a query.
 */
@Injectable()
export class QuestionnaireRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Not a draft (drafts are not public). */
  async campaignBySlug(slug: string): Promise<PublicCampaignRow | null> {
    const rows: PublicCampaignRow[] = await this.dataSource.query(
      `SELECT id, slug, title, description, status, discussion_closes_at AS closes_at, updated_at::text AS updated_at
           FROM campaigns WHERE slug = $1 AND status <> 'draft'`,
      [slug],
    );
    return rows[0] ?? null;
  }

  /** Campaigns open for discussion now (by the database clock). */
  openCampaigns(): Promise<OpenCampaignRow[]> {
    return this.dataSource.query(
      `SELECT slug, title, description, discussion_closes_at AS closes_at FROM campaigns
        WHERE status = 'discussion' AND (discussion_closes_at IS NULL OR discussion_closes_at > now())
        ORDER BY discussion_closes_at NULLS LAST, title`,
    );
  }

  documents(campaignId: string): Promise<PublicDocumentRow[]> {
    return this.dataSource.query(
      `SELECT id, title, description, current_version_number FROM documents WHERE campaign_id = $1 ORDER BY sort_order, created_at`,
      [campaignId],
    );
  }

  /** In questionnaire order: general questions last, then by document and question order. */
  questions(campaignId: string): Promise<QuestionnaireQuestionRow[]> {
    return this.dataSource.query(
      `SELECT q.id, q.document_id, q.kind, q.text, q.required, q.scale_min, q.scale_max, q.scale_min_label, q.scale_max_label,
              q.max_length,
              COALESCE((SELECT json_agg(json_build_object('id', o.id, 'text', o.text, 'exclusive', o.exclusive) ORDER BY o.sort_order, o.id)
                          FROM question_options o WHERE o.question_id = q.id), '[]') AS options
         FROM questions q
         LEFT JOIN documents d ON d.id = q.document_id
        WHERE q.campaign_id = $1
        ORDER BY q.document_id IS NULL, d.sort_order, d.created_at, q.sort_order, q.created_at`,
      [campaignId],
    );
  }

  /** Active territories, organization types and positions, in their display order (not the registry). */
  async formLists(): Promise<FormListRows> {
    const [territories, organizationTypes, positions] = await Promise.all([
      this.dataSource.query(`SELECT id, name FROM territories WHERE active ORDER BY sort_order, name`),
      this.dataSource.query(`SELECT code, name FROM organization_types ORDER BY sort_order`),
      this.dataSource.query(`SELECT code, name FROM positions ORDER BY sort_order`),
    ]);
    return { territories, organizationTypes, positions };
  }

  async referenceIds(): Promise<ReferenceIdRows> {
    const [territories, organizationTypes, positions, organizations] = await Promise.all([
      this.dataSource.query(`SELECT id FROM territories WHERE active`),
      this.dataSource.query(`SELECT code FROM organization_types`),
      this.dataSource.query(`SELECT code FROM positions`),
      this.dataSource.query(`SELECT id FROM organizations`),
    ]);
    return { territories, organizationTypes, positions, organizations };
  }
}
