import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ExpertStatus } from '../expertise/expert-status';

/** An approved registry entry, as `user:create --role expert` makes it. */
export interface ApprovedExpertProfile {
  userId: string;
  territoryId: string;
  organizationName: string;
  position: string;
}

/** A demo response's own columns (its answers are written one by one with insertAnswer). */
export interface DemoResponse {
  campaignId: string;
  receipt: string;
  idempotencyKey: string;
  bodyHash: string;
  territoryId: string;
  organizationType: string;
  position: string;
  clientHash: string;
}

export interface DemoAnswer {
  optionId?: string;
  value?: number;
  text?: string;
}

/**
 * The rows the command line writes into tables whose modules it cannot load: expertise (`expert_profiles`) and
 * discussion (`responses`, `response_answers`) need Redis and queues, which the CLI runs without (migrations and seeds
 * come before Redis is up), and neither exports a writer that takes rows as they are: an expert approved at once, and
 * the demo's fixed responses, which the group-committed submission path would check, throttle and queue. Every other
 * table the CLI writes goes through its own module's service or repository.
 */
@Injectable()
export class CliRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertApprovedExpertProfile(m: EntityManager, p: ApprovedExpertProfile): Promise<void> {
    await m.query(
      `INSERT INTO expert_profiles (user_id, status, territory_id, organization_name, position, decided_at)
       VALUES ($1, $2, $3, $4, $5, now())`,
      [p.userId, ExpertStatus.Approved, p.territoryId, p.organizationName, p.position],
    );
  }

  async responseCount(campaignId: string): Promise<number> {
    const [{ count }]: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM responses WHERE campaign_id = $1`,
      [campaignId],
    );
    return count;
  }

  async insertResponse(m: EntityManager, r: DemoResponse): Promise<string> {
    const [{ id }]: { id: string }[] = await m.query(
      `INSERT INTO responses (campaign_id, receipt, idempotency_key, body_hash, territory_id, organization_type, position, client_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [r.campaignId, r.receipt, r.idempotencyKey, r.bodyHash, r.territoryId, r.organizationType, r.position, r.clientHash],
    );
    return id;
  }

  async insertAnswer(m: EntityManager, responseId: string, questionId: string, a: DemoAnswer): Promise<void> {
    await m.query(`INSERT INTO response_answers (response_id, question_id, option_id, value, text) VALUES ($1, $2, $3, $4, $5)`, [
      responseId,
      questionId,
      a.optionId ?? null,
      a.value ?? null,
      a.text ?? null,
    ]);
  }
}
