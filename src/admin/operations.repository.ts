import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface MigrationRow {
  name: string;
  timestamp: string;
}

export interface MailFailureRow {
  to_address: string;
  template: string;
  attempts: number;
  last_error: string | null;
  updated_at: Date;
}

export interface OutboxCounts {
  waiting: number;
  stuck: number;
}

/** Read-only figures for the operations page (migrations, outbox, failed mail). */
@Injectable()
export class OperationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  migrations(): Promise<MigrationRow[]> {
    return this.dataSource.query(`SELECT name, timestamp::text FROM migrations ORDER BY id DESC`);
  }

  lastMailFailures(limit: number): Promise<MailFailureRow[]> {
    return this.dataSource.query(
      `SELECT to_address, template, attempts, last_error, updated_at FROM mail_messages
        WHERE status = 'failed' ORDER BY updated_at DESC LIMIT $1`,
      [limit],
    );
  }

  async outbox(): Promise<OutboxCounts> {
    const [row] = await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE dispatched_at IS NULL)::int AS waiting,
              count(*) FILTER (WHERE dispatched_at IS NULL AND dispatch_attempts > 0)::int AS stuck
         FROM outbox WHERE completed_at IS NULL`,
    );
    return row;
  }
}
