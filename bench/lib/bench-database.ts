import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app.config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { ReferenceService } from '../../src/reference/reference.service';
import { referenceData } from '../../src/reference/reference-data';

export interface BenchQuestion {
  id: string;
  kind: string;
  options: { id: string; exclusive: boolean }[];
  /** Scale bounds (0..0 for other kinds). */
  min: number;
  max: number;
}

/** A benchmark's own (already created) database: migrated and loaded with reference data, as a real install. */
export async function openBenchDatabase(url: string): Promise<DataSource> {
  const ds = new DataSource({ ...dataSourceOptions(loadConfig({ ...process.env, DATABASE_URL: url })), logging: false });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await new ReferenceService(ds).seedReference();
  return ds;
}

/** `count` documents, each with the default questionnaire of reference.json (as an organizer's upload adds it). */
export async function insertBenchDocuments(ds: DataSource, campaignId: string, count: number): Promise<BenchQuestion[]> {
  const questions: BenchQuestion[] = [];
  for (let d = 0; d < count; d++) {
    const [doc] = await ds.query(`INSERT INTO documents (campaign_id, title, sort_order) VALUES ($1, $2, $3) RETURNING id`, [
      campaignId,
      `Модельный документ ${d + 1}`,
      d,
    ]);
    for (const [i, q] of referenceData().defaultDiscussionQuestions.entries()) {
      const [row] = await ds.query(
        `INSERT INTO questions (campaign_id, document_id, kind, text, required, sort_order, scale_min, scale_max, max_length)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [campaignId, doc.id, q.kind, q.text, q.required, i, q.scale?.min ?? null, q.scale?.max ?? null, q.maxLength ?? null],
      );
      const options: BenchQuestion['options'] = [];
      for (const [j, o] of (q.options ?? []).entries()) {
        const [opt] = await ds.query(
          `INSERT INTO question_options (question_id, text, exclusive, sort_order) VALUES ($1, $2, $3, $4) RETURNING id`,
          [row.id, o.text, o.exclusive ?? false, j],
        );
        options.push({ id: opt.id, exclusive: o.exclusive ?? false });
      }
      questions.push({ id: row.id, kind: q.kind, options, min: q.scale?.min ?? 0, max: q.scale?.max ?? 0 });
    }
  }
  return questions;
}
