import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CampaignStatus } from '../campaigns/campaign-status';
import { QuestionKind } from '../campaigns/entities/question.entity';
import { NotFoundError } from '../common/domain-error';
import { CompiledQuestionnaire, DEFAULT_TEXT_MAX_LENGTH, QuestionDef, ReferenceSnapshot } from './questionnaire';

export interface CampaignMeta {
  id: string;
  slug: string;
  title: string;
  description: string;
  status: CampaignStatus;
  closesAt: Date | null;
  updatedAt: string;
}

export interface PublicDocument {
  id: string;
  title: string;
  description: string;
  fileUrl: string;
  hasFile: boolean;
}

export interface FormLists {
  territories: { id: string; label: string }[];
  organizationTypes: { code: string; name: string }[];
  positions: { code: string; name: string }[];
}

/** How long a campaign's status read by slug is trusted; the write re-checks the stage with the database clock anyway. */
const META_TTL_MS = 1_000;
const REFERENCE_TTL_MS = 10_000;

/**
 * Campaigns, their compiled questionnaires and the reference data, cached in memory. Questions are editable only in
 * draft, so a questionnaire compiled during the discussion stays valid; the cache key includes updated_at anyway.
 */
@Injectable()
export class QuestionnaireService {
  private readonly metaBySlug = new Map<string, { meta: CampaignMeta | null; at: number }>();
  private readonly compiled = new Map<string, { key: string; q: Promise<CompiledQuestionnaire> }>();
  private lists: { value: Promise<FormLists>; at: number } | null = null;
  private reference: { snap: Promise<ReferenceSnapshot>; at: number } | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The campaign by slug, 404 when unknown or still a draft (drafts are not public). */
  async campaign(slug: string): Promise<CampaignMeta> {
    const now = Date.now();
    const hit = this.metaBySlug.get(slug);
    // a cached "open" campaign is trusted briefly; anything else is read again so an opening shows at once
    if (hit && hit.meta?.status === CampaignStatus.Discussion && now - hit.at < META_TTL_MS) return hit.meta;
    const rows: {
      id: string;
      slug: string;
      title: string;
      description: string;
      status: CampaignStatus;
      closes_at: Date | null;
      updated_at: string;
    }[] = await this.dataSource.query(
      `SELECT id, slug, title, description, status, discussion_closes_at AS closes_at, updated_at::text AS updated_at
           FROM campaigns WHERE slug = $1 AND status <> 'draft'`,
      [slug],
    );
    const row = rows[0];
    const meta: CampaignMeta | null = row
      ? {
          id: row.id,
          slug: row.slug,
          title: row.title,
          description: row.description,
          status: row.status,
          closesAt: row.closes_at,
          updatedAt: row.updated_at,
        }
      : null;
    if (this.metaBySlug.size > 10_000) this.metaBySlug.clear();
    this.metaBySlug.set(slug, { meta, at: now });
    if (!meta) throw new NotFoundError('Обсуждение');
    return meta;
  }

  questionnaire(meta: CampaignMeta): Promise<CompiledQuestionnaire> {
    const key = meta.updatedAt;
    const hit = this.compiled.get(meta.id);
    if (hit && hit.key === key) return hit.q;
    const q = this.loadQuestions(meta.id).then((defs) => new CompiledQuestionnaire(meta.id, defs));
    q.catch(() => this.compiled.delete(meta.id));
    this.compiled.set(meta.id, { key, q });
    return q;
  }

  /** Reference sets; `fresh` re-reads them (used before refusing a code the cache does not know yet). */
  referenceSnapshot(fresh = false): Promise<ReferenceSnapshot> {
    const now = Date.now();
    if (!fresh && this.reference && now - this.reference.at < REFERENCE_TTL_MS) return this.reference.snap;
    const snap = this.loadReference();
    snap.catch(() => (this.reference = null));
    this.reference = { snap, at: now };
    return snap;
  }

  async documents(campaignId: string): Promise<PublicDocument[]> {
    const rows: { id: string; title: string; description: string; current_version_number: number }[] = await this.dataSource.query(
      `SELECT id, title, description, current_version_number FROM documents WHERE campaign_id = $1 ORDER BY sort_order, created_at`,
      [campaignId],
    );
    return rows.map((d) => ({
      id: d.id,
      title: d.title,
      description: d.description,
      fileUrl: `/files/documents/${d.id}`,
      hasFile: d.current_version_number > 0,
    }));
  }

  /** docs/api.md's public view of a campaign: documents and the questionnaire. */
  async publicCampaign(slug: string) {
    const meta = await this.campaign(slug);
    const [documents, questionnaire] = await Promise.all([this.documents(meta.id), this.questionnaire(meta)]);
    return {
      title: meta.title,
      description: meta.description,
      status: meta.status,
      closesAt: meta.closesAt ? new Date(meta.closesAt).toISOString() : null,
      documents: documents.map((d) => ({ id: d.id, title: d.title, fileUrl: d.fileUrl })),
      questions: questionnaire.questions.map((q) => ({
        id: q.id,
        documentId: q.documentId,
        kind: q.kind,
        text: q.text,
        required: q.required,
        options: q.options,
        scale:
          q.kind === QuestionKind.Scale ? { min: q.scaleMin, max: q.scaleMax, minLabel: q.scaleMinLabel, maxLabel: q.scaleMaxLabel } : null,
        maxLength: q.kind === QuestionKind.Text ? (q.maxLength ?? DEFAULT_TEXT_MAX_LENGTH) : null,
      })),
    };
  }

  /** The choices of the questionnaire's profile block (active territories, types, positions; not the registry). */
  formLists(): Promise<FormLists> {
    const now = Date.now();
    if (this.lists && now - this.lists.at < REFERENCE_TTL_MS) return this.lists.value;
    const value = this.loadFormLists();
    value.catch(() => (this.lists = null));
    this.lists = { value, at: now };
    return value;
  }

  private async loadFormLists(): Promise<FormLists> {
    const [territories, organizationTypes, positions] = await Promise.all([
      this.dataSource.query(`SELECT id, name FROM territories WHERE active ORDER BY sort_order, name`),
      this.dataSource.query(`SELECT code, name FROM organization_types ORDER BY sort_order`),
      this.dataSource.query(`SELECT code, name FROM positions ORDER BY sort_order`),
    ]);
    // territory names already say what they are («… городской округ», «… муниципальный район»)
    return {
      territories: (territories as { id: string; name: string }[]).map((t) => ({ id: t.id, label: t.name })),
      organizationTypes,
      positions,
    };
  }

  /** Campaigns open for discussion now (by the database clock), for the public index page. */
  openCampaigns(): Promise<{ slug: string; title: string; description: string; closes_at: Date | null }[]> {
    return this.dataSource.query(
      `SELECT slug, title, description, discussion_closes_at AS closes_at FROM campaigns
        WHERE status = 'discussion' AND (discussion_closes_at IS NULL OR discussion_closes_at > now())
        ORDER BY discussion_closes_at NULLS LAST, title`,
    );
  }

  private async loadQuestions(campaignId: string): Promise<QuestionDef[]> {
    const rows: {
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
    }[] = await this.dataSource.query(
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
    return rows.map((r) => ({
      id: r.id,
      documentId: r.document_id,
      kind: r.kind,
      text: r.text,
      required: r.required,
      scaleMin: r.scale_min,
      scaleMax: r.scale_max,
      scaleMinLabel: r.scale_min_label,
      scaleMaxLabel: r.scale_max_label,
      maxLength: r.max_length,
      options: r.options,
    }));
  }

  private async loadReference(): Promise<ReferenceSnapshot> {
    const [territories, types, positions, orgs] = await Promise.all([
      this.dataSource.query(`SELECT id FROM territories WHERE active`),
      this.dataSource.query(`SELECT code FROM organization_types`),
      this.dataSource.query(`SELECT code FROM positions`),
      this.dataSource.query(`SELECT id FROM organizations`),
    ]);
    return {
      activeTerritories: new Set(territories.map((r: { id: string }) => r.id)),
      organizationTypes: new Set(types.map((r: { code: string }) => r.code)),
      positions: new Set(positions.map((r: { code: string }) => r.code)),
      organizations: new Set(orgs.map((r: { id: string }) => r.id)),
    };
  }
}
