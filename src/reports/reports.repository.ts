import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Report } from './entities/report.entity';
import { ReportFormat, ReportKind, ReportStatus } from './report-status';

export type NewReport = Pick<Report, 'campaignId' | 'kind' | 'format' | 'requestedBy' | 'csvDialect'>;

/** A final report of a closed stage: one per (campaign, stage, format). */
export interface NewFinalReport {
  campaignId: string;
  kind: ReportKind;
  format: ReportFormat;
  finalStage: 'discussion' | 'expertise';
  emailOnReady: boolean;
  snapshotId: string;
}

/** Every statement over `reports` (the read model of the figures is report-data.queries.ts). */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  insert(m: EntityManager, fields: NewReport): Promise<Report> {
    const repo = m.getRepository(Report);
    return repo.save(repo.create(fields));
  }

  /** The id of the row inserted, or null when this stage's report in this format exists already. */
  async insertFinal(m: EntityManager, r: NewFinalReport): Promise<string | null> {
    const inserted: { id: string }[] = await m.query(
      `INSERT INTO reports (campaign_id, kind, format, final_stage, email_on_ready, snapshot_id)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (campaign_id, final_stage, format) WHERE final_stage IS NOT NULL DO NOTHING RETURNING id`,
      [r.campaignId, r.kind, r.format, r.finalStage, r.emailOnReady, r.snapshotId],
    );
    return inserted[0]?.id ?? null;
  }

  /** The final reports of a closed stage under FOR UPDATE: their emails are queued by one job at a time. */
  lockFinals(m: EntityManager, campaignId: string, finalStage: string): Promise<Report[]> {
    return m.getRepository(Report).find({ where: { campaignId, finalStage }, lock: { mode: 'pessimistic_write' } });
  }

  findById(id: string): Promise<Report | null> {
    return this.dataSource.getRepository(Report).findOneBy({ id });
  }

  /** The row under FOR UPDATE: the status machine's check and write happen while no other job can move it. */
  lockById(m: EntityManager, id: string): Promise<Report | null> {
    return m.getRepository(Report).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  save(m: EntityManager, report: Report): Promise<Report> {
    return m.getRepository(Report).save(report);
  }

  newestForCampaign(campaignId: string, limit: number): Promise<Report[]> {
    return this.dataSource.getRepository(Report).find({ where: { campaignId }, order: { createdAt: 'DESC' }, take: limit });
  }

  /** Progress is not a move of the machine: it only changes while the report is rendering. */
  async setProgress(id: string, progress: number): Promise<void> {
    await this.dataSource.query(`UPDATE reports SET progress = $2, updated_at = now() WHERE id = $1 AND status = $3`, [
      id,
      progress,
      ReportStatus.Rendering,
    ]);
  }
}
