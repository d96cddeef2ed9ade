import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Report } from './entities/report.entity';
import { ReportStatus } from './report-status';

export type NewReport = Pick<Report, 'campaignId' | 'kind' | 'format' | 'requestedBy' | 'csvDialect'>;

/** Every statement over `reports` made by ReportsService (the read model of the figures lives elsewhere). */
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
