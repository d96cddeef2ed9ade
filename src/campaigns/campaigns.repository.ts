import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, DeepPartial, EntityManager } from 'typeorm';
import { Campaign } from './entities/campaign.entity';
import { Criterion } from './entities/criterion.entity';

/** A criterion as written: its text, description and place come from the caller, ids from the table. */
export interface CriterionWrite {
  text: string;
  description?: string;
}

/**
 * The row of a campaign locked for the rest of the caller's transaction (null when there is none). A free function
 * so the lifecycle, which takes the same lock, needs no instance; every change that depends on the stage takes it.
 */
export function selectCampaignForUpdate(m: EntityManager, id: string): Promise<Campaign | null> {
  return m.getRepository(Campaign).createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
}

/** The place after the campaign's last document or question (both ordered per campaign by `sort_order`). */
export async function nextSortOrder(m: EntityManager, table: 'documents' | 'questions', campaignId: string): Promise<number> {
  const [{ n }]: { n: number }[] = await m.query(`SELECT COALESCE(MAX(sort_order), -1) + 1 AS n FROM ${table} WHERE campaign_id = $1`, [
    campaignId,
  ]);
  return Number(n);
}

/** The `campaigns` and `criteria` tables. Methods that take an EntityManager run in the caller's transaction. */
@Injectable()
export class CampaignsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  lock(m: EntityManager, id: string): Promise<Campaign | null> {
    return selectCampaignForUpdate(m, id);
  }

  findById(id: string): Promise<Campaign | null> {
    return this.dataSource.getRepository(Campaign).findOneBy({ id });
  }

  findBySlug(slug: string): Promise<Campaign | null> {
    return this.dataSource.getRepository(Campaign).findOneBy({ slug });
  }

  newestFirst(): Promise<Campaign[]> {
    return this.dataSource.getRepository(Campaign).find({ order: { createdAt: 'DESC' } });
  }

  insert(m: EntityManager, campaign: DeepPartial<Campaign>): Promise<Campaign> {
    const repo = m.getRepository(Campaign);
    return repo.save(repo.create(campaign));
  }

  save(m: EntityManager, campaign: Campaign): Promise<Campaign> {
    return m.getRepository(Campaign).save(campaign);
  }

  /**
   * The slugs `base` or `base-…` already taken (except by `exceptId`). Slug choice is serialised for the rest of the
   * transaction, so two campaigns with one title get -2 and -3, not a unique violation.
   */
  async slugsLike(m: EntityManager, base: string, exceptId?: string): Promise<string[]> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('campaign-slug'))`);
    const rows: { slug: string }[] = await m.query(
      `SELECT slug FROM campaigns WHERE (slug = $1 OR slug LIKE $1 || '-%') AND ($2::uuid IS NULL OR id <> $2::uuid)`,
      [base, exceptId ?? null],
    );
    return rows.map((r) => r.slug);
  }

  async slugTaken(m: EntityManager, slug: string, exceptId: string): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM campaigns WHERE slug = $1 AND id <> $2`, [slug, exceptId]);
    return rows.length > 0;
  }

  criteria(campaignId: string, m: EntityManager = this.dataSource.manager): Promise<Criterion[]> {
    return m.getRepository(Criterion).find({ where: { campaignId }, order: { sortOrder: 'ASC' } });
  }

  /** Replaces the campaign's criteria by `items`, numbered in their order. */
  async replaceCriteria(m: EntityManager, campaignId: string, items: CriterionWrite[]): Promise<void> {
    await m.getRepository(Criterion).delete({ campaignId });
    await this.insertCriteria(m, campaignId, items);
  }

  async insertCriteria(m: EntityManager, campaignId: string, items: CriterionWrite[]): Promise<void> {
    if (!items.length) return;
    await m.getRepository(Criterion).insert(
      items.map((c, i) => ({
        campaignId,
        text: c.text,
        ...(c.description !== undefined && { description: c.description }),
        sortOrder: i,
      })),
    );
  }
}
