import { Injectable } from '@nestjs/common';
import { CampaignStatus } from '../campaigns/campaign-status';
import { QuestionKind } from '../campaigns/entities/question.entity';
import { NotFoundError } from '../common/domain-error';
import { CompiledQuestionnaire, DEFAULT_TEXT_MAX_LENGTH, QuestionDef, ReferenceSnapshot } from './questionnaire';
import { OpenCampaignRow, QuestionnaireRepository } from './questionnaire.repository';

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

  constructor(private readonly repo: QuestionnaireRepository) {}

  /** The campaign by slug, 404 when unknown or still a draft (drafts are not public). */
  async campaign(slug: string): Promise<CampaignMeta> {
    const now = Date.now();
    const hit = this.metaBySlug.get(slug);
    // a cached "open" campaign is trusted briefly; anything else is read again so an opening shows at once
    if (hit && hit.meta?.status === CampaignStatus.Discussion && now - hit.at < META_TTL_MS) return hit.meta;
    const row = await this.repo.campaignBySlug(slug);
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
    const rows = await this.repo.documents(campaignId);
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
    const { territories, organizationTypes, positions } = await this.repo.formLists();
    // territory names already say what they are («… городской округ», «… муниципальный район»)
    return {
      territories: territories.map((t) => ({ id: t.id, label: t.name })),
      organizationTypes,
      positions,
    };
  }

  /** Campaigns open for discussion now (by the database clock), for the public index page. */
  openCampaigns(): Promise<OpenCampaignRow[]> {
    return this.repo.openCampaigns();
  }

  private async loadQuestions(campaignId: string): Promise<QuestionDef[]> {
    const rows = await this.repo.questions(campaignId);
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
    const ids = await this.repo.referenceIds();
    return {
      activeTerritories: new Set(ids.territories.map((r) => r.id)),
      organizationTypes: new Set(ids.organizationTypes.map((r) => r.code)),
      positions: new Set(ids.positions.map((r) => r.code)),
      organizations: new Set(ids.organizations.map((r) => r.id)),
    };
  }
}
