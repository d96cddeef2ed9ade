import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CampaignSchedule, CampaignStatus, dueScheduleSql } from './campaign-status';
import { Campaign } from './entities/campaign.entity';

export interface LifecycleDocumentRow {
  id: string;
  title: string;
  current_version_number: number;
}

export interface LifecycleQuestionRow {
  text: string;
  kind: string;
  options: number;
}

export type DueCampaignRow = CampaignSchedule & { id: string };

export interface ScheduledFailureRow {
  to_status: CampaignStatus;
  due_at: Date;
  reasons: string[];
}

export interface NewScheduledFailure {
  campaignId: string;
  fromStatus: CampaignStatus;
  toStatus: CampaignStatus;
  dueAt: Date;
  reasons: string[];
}

/**
 * Every statement of the campaign lifecycle: the stage move itself, what its preconditions read, the scheduler's due
 * campaigns and its refused moves. Methods taking a manager run in the caller's transaction (the move's).
 */
@Injectable()
export class CampaignLifecycleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The caller's transaction, or outside one (the campaign page lists what each move still misses). */
  private on(m?: EntityManager): EntityManager {
    return m ?? this.dataSource.manager;
  }

  findById(id: string): Promise<Campaign> {
    return this.dataSource.getRepository(Campaign).findOneByOrFail({ id });
  }

  save(m: EntityManager, campaign: Campaign): Promise<Campaign> {
    return m.getRepository(Campaign).save(campaign);
  }

  /** Experts score the version current when expertise opens. */
  async freezeDocumentVersions(m: EntityManager, campaignId: string): Promise<void> {
    await m.query(`UPDATE documents SET frozen_version_number = current_version_number WHERE campaign_id = $1`, [campaignId]);
  }

  documents(campaignId: string, m?: EntityManager): Promise<LifecycleDocumentRow[]> {
    return this.on(m).query(
      `SELECT id, title, current_version_number FROM documents WHERE campaign_id = $1 ORDER BY sort_order, created_at`,
      [campaignId],
    );
  }

  /** Questions in questionnaire order, each with its number of options. */
  questions(campaignId: string, m?: EntityManager): Promise<LifecycleQuestionRow[]> {
    return this.on(m).query(
      `SELECT q.text, q.kind, (SELECT count(*)::int FROM question_options o WHERE o.question_id = q.id) AS options
         FROM questions q WHERE q.campaign_id = $1 ORDER BY q.sort_order, q.created_at`,
      [campaignId],
    );
  }

  async criteriaCount(campaignId: string, m?: EntityManager): Promise<number> {
    const [{ n }]: { n: number }[] = await this.on(m).query(`SELECT count(*)::int AS n FROM criteria WHERE campaign_id = $1`, [campaignId]);
    return n;
  }

  /**
   * Documents with at least one expert assigned. Reads the expertise module's `assignments` table: the one crossing of
   * the lifecycle, until expertise exports a query for it.
   */
  async documentsWithExpert(campaignId: string, m?: EntityManager): Promise<Set<string>> {
    const rows: { document_id: string }[] = await this.on(m).query(`SELECT DISTINCT document_id FROM assignments WHERE campaign_id = $1`, [
      campaignId,
    ]);
    return new Set(rows.map((r) => r.document_id));
  }

  /** Campaigns with a scheduled move due at `now` (the condition comes from SCHEDULED_MOVES). */
  dueForSchedule(now: Date): Promise<DueCampaignRow[]> {
    return this.dataSource.query(
      `SELECT id, status, discussion_opens_at AS "discussionOpensAt", discussion_closes_at AS "discussionClosesAt",
              expertise_opens_at AS "expertiseOpensAt", expertise_closes_at AS "expertiseClosesAt"
         FROM campaigns WHERE ${dueScheduleSql('$1')} ORDER BY id`,
      [now],
    );
  }

  async failureRecorded(m: EntityManager, campaignId: string, to: CampaignStatus, dueAt: Date): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `SELECT 1 FROM scheduled_transition_failures WHERE campaign_id = $1 AND to_status = $2 AND due_at = $3`,
      [campaignId, to, dueAt],
    );
    return rows.length > 0;
  }

  async recordFailure(m: EntityManager, f: NewScheduledFailure): Promise<void> {
    await m.query(
      `INSERT INTO scheduled_transition_failures (campaign_id, from_status, to_status, due_at, reasons)
       VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT DO NOTHING`,
      [f.campaignId, f.fromStatus, f.toStatus, f.dueAt, JSON.stringify(f.reasons)],
    );
  }

  /** The newest refused moves out of the campaign's current stage (older stages' refusals no longer matter). */
  currentFailures(campaignId: string, limit: number): Promise<ScheduledFailureRow[]> {
    return this.dataSource.query(
      `SELECT f.to_status, f.due_at, f.reasons FROM scheduled_transition_failures f JOIN campaigns c ON c.id = f.campaign_id
        WHERE f.campaign_id = $1 AND f.from_status = c.status
        ORDER BY f.failed_at DESC LIMIT $2`,
      [campaignId, limit],
    );
  }
}
