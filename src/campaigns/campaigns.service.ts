import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { NotFoundError, ValidationError } from '../common/domain-error';
import { referenceData } from '../reference/reference-data';
import { CampaignStatus } from './campaign-status';
import { campaignView, criterionView } from './campaign-view';
import { CRITERIA_LOCKED, SLUG_LOCKED, WrongStageError } from './campaigns.errors';
import { CreateCampaignDto, CriterionDto, StageScheduleDto, UpdateCampaignDto } from './dto/campaign.dto';
import { CampaignsRepository, selectCampaignForUpdate } from './campaigns.repository';
import { Campaign } from './entities/campaign.entity';
import { isValidSlug, slugify, uniqueSlug } from './slug';
import { isUuid } from '../common/uuid';

/** Locks the campaign row for the rest of the transaction: every change that depends on the stage takes it. */
export async function lockCampaign(m: EntityManager, id: string): Promise<Campaign> {
  if (!isUuid(id)) throw new NotFoundError('Кампания');
  const campaign = await selectCampaignForUpdate(m, id);
  if (!campaign) throw new NotFoundError('Кампания');
  return campaign;
}

/** Criteria may change until expertise opens (then they are frozen with the document versions). */
export function criteriaEditable(c: Campaign): boolean {
  return !c.frozenAt && [CampaignStatus.Draft, CampaignStatus.Discussion, CampaignStatus.Revision].includes(c.status);
}

function parseStage(prefix: string, dto: StageScheduleDto | undefined, current: { opensAt: Date | null; closesAt: Date | null }) {
  const opensAt = dto?.opensAt === undefined ? current.opensAt : dto.opensAt === null ? null : new Date(dto.opensAt);
  const closesAt = dto?.closesAt === undefined ? current.closesAt : dto.closesAt === null ? null : new Date(dto.closesAt);
  if (opensAt && closesAt && closesAt <= opensAt) {
    throw new ValidationError(`${prefix}.closesAt: окончание этапа должно быть позже его начала`, {
      [`${prefix}ClosesAt`]: 'Окончание этапа должно быть позже его начала',
    });
  }
  return { opensAt, closesAt };
}

/** Campaigns: create, list, edit, criteria. Stage moves live in CampaignLifecycleService. */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly repo: CampaignsRepository,
    private readonly audit: AuditService,
  ) {}

  async create(dto: CreateCampaignDto, actorId: string) {
    const empty = { opensAt: null, closesAt: null };
    const discussion = parseStage('discussion', dto.discussion, empty);
    const expertise = parseStage('expertise', dto.expertise, empty);
    const ref = referenceData();
    return this.repo.transaction(async (m) => {
      const base = slugify(dto.title);
      const slug = uniqueSlug(base, new Set(await this.repo.slugsLike(m, base)));
      const campaign = await this.repo.insert(m, {
        slug,
        title: dto.title.trim(),
        description: dto.description?.trim() ?? '',
        status: CampaignStatus.Draft,
        discussionOpensAt: discussion.opensAt,
        discussionClosesAt: discussion.closesAt,
        expertiseOpensAt: expertise.opensAt,
        expertiseClosesAt: expertise.closesAt,
        criterionScale: ref.defaultCriterionScale,
        createdBy: actorId,
      });
      await this.repo.insertCriteria(
        m,
        campaign.id,
        ref.defaultExpertCriteria.map((text) => ({ text })),
      );
      const view = campaignView(campaign);
      await this.audit.record(m, {
        actorId,
        action: AuditAction.CampaignCreate,
        entityType: 'campaign',
        entityId: campaign.id,
        campaignId: campaign.id,
        after: view,
      });
      return view;
    });
  }

  async list() {
    return (await this.repo.newestFirst()).map(campaignView);
  }

  async find(id: string): Promise<Campaign> {
    if (!isUuid(id)) throw new NotFoundError('Кампания');
    const c = await this.repo.findById(id);
    if (!c) throw new NotFoundError('Кампания');
    return c;
  }

  async get(id: string) {
    return campaignView(await this.find(id));
  }

  async update(id: string, dto: UpdateCampaignDto, actorId: string) {
    return this.repo.transaction(async (m) => {
      const c = await lockCampaign(m, id);
      const before = campaignView(c);
      if (dto.title !== undefined) c.title = dto.title.trim();
      if (dto.description !== undefined) c.description = dto.description.trim();
      if (dto.slug !== undefined && dto.slug !== c.slug) {
        if (c.status !== CampaignStatus.Draft) throw new WrongStageError(SLUG_LOCKED);
        const slug = dto.slug.trim().toLowerCase();
        if (!isValidSlug(slug)) {
          throw new ValidationError('slug: только латинские буквы, цифры и дефисы (до 60 символов)', {
            slug: 'Только латинские буквы, цифры и дефисы (до 60 символов)',
          });
        }
        if (await this.repo.slugTaken(m, slug, c.id))
          throw new ValidationError('slug: такой адрес уже занят', { slug: 'Такой адрес уже занят' });
        c.slug = slug;
      }
      if (dto.discussion) {
        const s = parseStage('discussion', dto.discussion, { opensAt: c.discussionOpensAt, closesAt: c.discussionClosesAt });
        c.discussionOpensAt = s.opensAt;
        c.discussionClosesAt = s.closesAt;
      }
      if (dto.expertise) {
        const s = parseStage('expertise', dto.expertise, { opensAt: c.expertiseOpensAt, closesAt: c.expertiseClosesAt });
        c.expertiseOpensAt = s.opensAt;
        c.expertiseClosesAt = s.closesAt;
      }
      if (dto.reportRecipients !== undefined) c.reportRecipients = [...new Set(dto.reportRecipients.map((e) => e.trim().toLowerCase()))];
      if (dto.resultsPublished !== undefined) c.resultsPublished = dto.resultsPublished;
      const saved = await this.repo.save(m, c);
      const after = campaignView(saved);
      await this.audit.record(m, {
        actorId,
        action: AuditAction.CampaignUpdate,
        entityType: 'campaign',
        entityId: c.id,
        campaignId: c.id,
        before,
        after,
      });
      return after;
    });
  }

  async criteria(campaignId: string) {
    await this.find(campaignId);
    return (await this.repo.criteria(campaignId)).map(criterionView);
  }

  async replaceCriteria(campaignId: string, items: CriterionDto[], actorId: string) {
    const texts = items.map((i) => i.text.trim());
    const bad = texts.map((t, i) => (t ? null : `[${i}].text: текст критерия не может быть пустым`)).filter((x): x is string => !!x);
    if (bad.length) throw new ValidationError(bad);
    return this.repo.transaction(async (m) => {
      const c = await lockCampaign(m, campaignId);
      if (!criteriaEditable(c)) throw new WrongStageError(CRITERIA_LOCKED);
      const before = (await this.repo.criteria(campaignId, m)).map(criterionView);
      await this.repo.replaceCriteria(
        m,
        campaignId,
        items.map((i) => ({ text: i.text.trim(), description: i.description?.trim() ?? '' })),
      );
      const after = (await this.repo.criteria(campaignId, m)).map(criterionView);
      await this.audit.record(m, {
        actorId,
        action: AuditAction.CriteriaReplace,
        entityType: 'campaign',
        entityId: campaignId,
        campaignId,
        before: { criteria: before },
        after: { criteria: after },
      });
      return after;
    });
  }
}
