import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/**
 * The write side of the tallies is the database's own (triggers append deltas, docs/results.md «Tallies»); this
 * repository only folds those deltas into the totals. Readers read the `*_tally_sums` views, exact with or without
 * a fold: folding keeps what they sum small.
 */
@Injectable()
export class TalliesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Folds the deltas committed so far; returns how many delta rows it folded (0 while another fold runs). */
  async fold(): Promise<number> {
    const [row]: { n: string }[] = await this.dataSource.query(`SELECT fold_tallies() AS n`);
    return Number(row.n);
  }
}
