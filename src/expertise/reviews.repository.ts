import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CampaignStatus } from '../campaigns/campaign-status';
import { ScaleLabel } from '../campaigns/entities/campaign.entity';
import { AssignmentStatus } from './assignment-status';

/** One of the expert's own assignments, with its campaign and document. */
export interface MyAssignmentRow {
  id: string;
  due_at: Date | null;
  status: AssignmentStatus;
  submitted_at: Date | null;
  campaign_id: string;
  campaign_title: string;
  campaign_status: CampaignStatus;
  document_id: string;
  document_title: string;
  late: boolean;
}

export interface MyAssignmentDetailRow extends MyAssignmentRow {
  criterion_scale: ScaleLabel[];
  recommendation: string | null;
  general_comment: string;
  reopened_reason: string | null;
}

export interface CriterionRow {
  id: string;
  text: string;
  description: string;
}

export interface ScoreRow {
  criterionId: string;
  score: number;
  comment: string;
}

const MINE = `FROM assignments a JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id
  JOIN expert_profiles p ON p.user_id = a.expert_id AND p.status = 'approved'`;
const MINE_COLUMNS = `a.id, a.due_at, a.status, a.submitted_at, c.id AS campaign_id, c.title AS campaign_title, c.status AS campaign_status,
  d.id AS document_id, d.title AS document_title, (a.status <> 'submitted' AND a.due_at IS NOT NULL AND a.due_at < now()) AS late`;

/**
 * The `review_scores` table and the expert's view of their assignments. The campaign's criteria and the
 * recommendation codes are read here with the review they belong to (docs/architecture.md lists these reads).
 * Methods that must run in a caller's transaction take its EntityManager first; reads take it last, optionally.
 */
@Injectable()
export class ReviewsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** The expert's assignments in campaigns at one of `stages` (approved experts only). */
  listMine(expertId: string, stages: CampaignStatus[]): Promise<MyAssignmentRow[]> {
    return this.dataSource.query(
      `SELECT ${MINE_COLUMNS} ${MINE}
        WHERE a.expert_id = $1 AND c.status = ANY($2::text[])
        ORDER BY a.due_at NULLS LAST, c.title, d.sort_order, d.title`,
      [expertId, stages],
    );
  }

  async mine(
    expertId: string,
    id: string,
    stages: CampaignStatus[],
    m: EntityManager = this.dataSource.manager,
  ): Promise<MyAssignmentDetailRow | null> {
    const rows: MyAssignmentDetailRow[] = await m.query(
      `SELECT ${MINE_COLUMNS}, c.criterion_scale, a.recommendation, a.general_comment, a.reopened_reason ${MINE}
        WHERE a.id = $1 AND a.expert_id = $2 AND c.status = ANY($3::text[])`,
      [id, expertId, stages],
    );
    return rows[0] ?? null;
  }

  criteria(campaignId: string, m: EntityManager = this.dataSource.manager): Promise<CriterionRow[]> {
    return m.query(`SELECT id, text, description FROM criteria WHERE campaign_id = $1 ORDER BY sort_order, id`, [campaignId]);
  }

  scores(assignmentId: string, m: EntityManager = this.dataSource.manager): Promise<ScoreRow[]> {
    return m.query(`SELECT criterion_id AS "criterionId", score, comment FROM review_scores WHERE assignment_id = $1`, [assignmentId]);
  }

  recommendations(m: EntityManager = this.dataSource.manager): Promise<{ code: string; name: string }[]> {
    return m.query(`SELECT code, name FROM recommendations ORDER BY sort_order, code`);
  }

  async recommendationExists(code: string, m: EntityManager = this.dataSource.manager): Promise<boolean> {
    return (await m.query(`SELECT 1 FROM recommendations WHERE code = $1`, [code])).length > 0;
  }

  /** The review's scores become exactly these: others are removed, these inserted or updated. */
  async replaceScores(m: EntityManager, assignmentId: string, scores: ScoreRow[]): Promise<void> {
    await m.query(`DELETE FROM review_scores WHERE assignment_id = $1 AND NOT (criterion_id = ANY($2::uuid[]))`, [
      assignmentId,
      scores.map((s) => s.criterionId),
    ]);
    for (const s of scores) {
      await m.query(
        `INSERT INTO review_scores (assignment_id, criterion_id, score, comment) VALUES ($1, $2, $3, $4)
         ON CONFLICT (assignment_id, criterion_id) DO UPDATE SET score = EXCLUDED.score, comment = EXCLUDED.comment`,
        [assignmentId, s.criterionId, s.score, s.comment],
      );
    }
  }
}
