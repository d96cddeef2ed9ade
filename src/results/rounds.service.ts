import { Injectable } from '@nestjs/common';
import { RoundsRepository } from './rounds.repository';
import { percent, round2 } from './statistics';

export interface RoundDocument {
  documentId: string;
  title: string;
  reviews: number;
  /** mean submitted criterion score; null without reviews */
  meanScore: number | null;
  /** against the previous round's document of the same title, when both have a mean */
  change: number | null;
}

export interface Round {
  campaignId: string;
  title: string;
  status: string;
  startedAt: string;
  respondents: number;
  territories: { covered: number; total: number; percent: number };
  experts: number;
  expertTerritories: number;
  /** mean of the documents' mean scores (documents with reviews) */
  meanScore: number | null;
  documents: RoundDocument[];
  /** this round minus the previous one; null for the first round */
  change: { respondents: number; covered: number; experts: number; expertTerritories: number; meanScore: number | null } | null;
}

const sameTitle = (a: string, b: string) => a.trim().toLocaleLowerCase('ru') === b.trim().toLocaleLowerCase('ru');

/** Rounds side by side, oldest first, each with its change from the round before it (GET /api/v1/results/rounds). */
@Injectable()
export class RoundsService {
  constructor(private readonly repo: RoundsRepository) {}

  async rounds(): Promise<Round[]> {
    const [rows, documents, total] = await Promise.all([this.repo.rounds(), this.repo.documents(), this.repo.activeTerritories()]);
    const out: Round[] = [];
    for (const row of rows) {
      const previous = out.at(-1);
      const docs = documents
        .filter((d) => d.campaign_id === row.id)
        .map((d): RoundDocument => {
          const before = previous?.documents.find((p) => sameTitle(p.title, d.title));
          const change = before?.meanScore != null && d.mean_score !== null ? round2(d.mean_score - before.meanScore) : null;
          return { documentId: d.document_id, title: d.title, reviews: d.reviews, meanScore: d.mean_score, change };
        });
      const means = docs.map((d) => d.meanScore).filter((m): m is number => m !== null);
      const meanScore = means.length ? round2(means.reduce((s, m) => s + m, 0) / means.length) : null;
      out.push({
        campaignId: row.id,
        title: row.title,
        status: row.status,
        startedAt: new Date(row.started_at).toISOString(),
        respondents: row.respondents,
        territories: { covered: row.covered, total, percent: percent(row.covered, total) },
        experts: row.experts,
        expertTerritories: row.expert_territories,
        meanScore,
        documents: docs,
        change: previous
          ? {
              respondents: row.respondents - previous.respondents,
              covered: row.covered - previous.territories.covered,
              experts: row.experts - previous.experts,
              expertTerritories: row.expert_territories - previous.expertTerritories,
              meanScore: meanScore !== null && previous.meanScore !== null ? round2(meanScore - previous.meanScore) : null,
            }
          : null,
      });
    }
    return out;
  }
}
