import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ScaleLabel } from '../campaigns/entities/campaign.entity';
import { expertiseFigures } from './expertise-figures';
import type { QuestionFigures, ResultsData } from './results-snapshot.types';
import { meanOf, medianOf, percent } from './statistics';

/** Responses that count: stored for the campaign and not excluded by an organizer. */
const INCLUDED = `r.campaign_id = $1 AND r.excluded = false`;

interface QuestionRow {
  id: string;
  document_id: string | null;
  kind: string;
  text: string;
  scale_min: number | null;
  scale_max: number | null;
}

/**
 * Computes a campaign's results inside PostgreSQL: every figure over responses is a GROUP BY (answer rows never
 * reach Node); only the few submitted review scores are loaded, for Krippendorff's alpha and the far-experts check.
 * Runs in one REPEATABLE READ transaction so all figures describe the same moment. Deterministic ordering
 * everywhere: the same data gives the same snapshot.
 */
@Injectable()
export class AggregationService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Null when the campaign does not exist (deleted since the job was queued). */
  async compute(campaignId: string): Promise<{ stage: string; data: ResultsData } | null> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const [campaign] = await m.query(`SELECT id, title, status, criterion_scale FROM campaigns WHERE id = $1`, [campaignId]);
      if (!campaign) return null;
      const documents: { id: string; title: string }[] = await m.query(
        `SELECT id, title FROM documents WHERE campaign_id = $1 ORDER BY sort_order, created_at, id`,
        [campaignId],
      );
      const [discussion, expertise] = [
        await this.discussion(m, campaignId),
        await expertiseFigures(m, campaignId, documents, campaign.criterion_scale as ScaleLabel[]),
      ];
      const data: ResultsData = {
        campaignId,
        title: campaign.title,
        documents: documents.map((d) => ({ documentId: d.id, title: d.title })),
        discussion,
        expertise,
      };
      return { stage: campaign.status as string, data };
    });
  }

  private async discussion(m: EntityManager, campaignId: string): Promise<ResultsData['discussion']> {
    const territories: { id: string; name: string; kind: string; active: boolean; respondents: number }[] = await m.query(
      `SELECT t.id, t.name, t.kind, t.active, COALESCE(c.n, 0)::int AS respondents
         FROM territories t
         LEFT JOIN (SELECT r.territory_id, count(*) AS n FROM responses r WHERE ${INCLUDED} GROUP BY r.territory_id) c
           ON c.territory_id = t.id
        WHERE t.active OR c.n > 0
        ORDER BY t.sort_order, t.name, t.kind`,
      [campaignId],
    );
    const respondents = territories.reduce((s, t) => s + t.respondents, 0);
    const active = territories.filter((t) => t.active);
    // coverage is "N of the active territories": a response from a since-deactivated territory is counted but not covered
    const covered = active.filter((t) => t.respondents > 0).length;
    const byKind: { kind: string; respondents: number }[] = await m.query(
      `SELECT t.kind, count(*)::int AS respondents FROM responses r JOIN territories t ON t.id = r.territory_id
        WHERE ${INCLUDED} GROUP BY t.kind ORDER BY t.kind`,
      [campaignId],
    );
    const byCode = (column: 'organization_type' | 'position', table: 'organization_types' | 'positions') =>
      m.query(
        `SELECT r.${column} AS code, COALESCE(ref.name, r.${column}) AS name, count(*)::int AS respondents
           FROM responses r LEFT JOIN ${table} ref ON ref.code = r.${column}
          WHERE ${INCLUDED} GROUP BY r.${column}, ref.name, ref.sort_order
          ORDER BY ref.sort_order NULLS LAST, r.${column}`,
        [campaignId],
      );
    return {
      respondents,
      territories: {
        covered,
        total: active.length,
        percent: percent(covered, active.length),
        byTerritory: territories.map((t) => ({
          territoryId: t.id,
          name: t.name,
          kind: t.kind,
          respondents: t.respondents,
          percent: percent(t.respondents, respondents),
        })),
      },
      byTerritoryKind: byKind,
      byOrganizationType: await byCode('organization_type', 'organization_types'),
      byPosition: await byCode('position', 'positions'),
      questions: await this.questions(m, campaignId),
    };
  }

  private async questions(m: EntityManager, campaignId: string): Promise<QuestionFigures[]> {
    const questions: QuestionRow[] = await m.query(
      `SELECT q.id, q.document_id, q.kind, q.text, q.scale_min, q.scale_max
         FROM questions q LEFT JOIN documents d ON d.id = q.document_id
        WHERE q.campaign_id = $1
        ORDER BY COALESCE(d.sort_order, -1), d.created_at NULLS FIRST, q.document_id NULLS FIRST, q.sort_order, q.created_at, q.id`,
      [campaignId],
    );
    if (!questions.length) return [];
    const ids = questions.map((q) => q.id);
    const options: { id: string; question_id: string; text: string }[] = await m.query(
      `SELECT id, question_id, text FROM question_options WHERE question_id = ANY($1::uuid[]) ORDER BY sort_order, id`,
      [ids],
    );
    // Excluded responses are few: count every answer row through the covering indexes (index-only scans, no join),
    // then subtract what the excluded responses contributed (a small GROUP BY over their rows).
    const multiIds = questions.filter((q) => q.kind === 'multi').map((q) => q.id);
    const scaleIds = questions.filter((q) => q.kind === 'scale').map((q) => q.id);
    const textIds = questions.filter((q) => q.kind === 'text').map((q) => q.id);
    // one row per chosen option: a multi-select is counted per option, never as a combination
    const optionCounts: { option_id: string; n: number }[] = await m.query(
      `SELECT a.option_id, count(*)::int AS n FROM response_answers a
        WHERE a.question_id = ANY($1::uuid[]) AND a.option_id IS NOT NULL GROUP BY a.option_id`,
      [ids],
    );
    const scaleCounts: { question_id: string; value: number; n: number }[] = await m.query(
      `SELECT a.question_id, a.value, count(*)::int AS n FROM response_answers a
        WHERE a.question_id = ANY($1::uuid[]) AND a.value IS NOT NULL GROUP BY a.question_id, a.value`,
      [scaleIds],
    );
    const textCounts: { question_id: string; n: number }[] = await m.query(
      `SELECT a.question_id, count(DISTINCT a.response_id)::int AS n FROM response_answers a
        WHERE a.question_id = ANY($1::uuid[]) AND a.text IS NOT NULL AND btrim(a.text) <> '' GROUP BY a.question_id`,
      [textIds],
    );
    // "answered" of a multi-select is distinct respondents (several rows each); a single choice or a scale has one row
    const choiceAnswered: { question_id: string; n: number }[] = await m.query(
      `SELECT a.question_id, count(DISTINCT a.response_id)::int AS n FROM response_answers a
        WHERE a.question_id = ANY($1::uuid[]) AND a.option_id IS NOT NULL GROUP BY a.question_id`,
      [multiIds],
    );
    const excludedRows: {
      question_id: string;
      option_id: string | null;
      value: number | null;
      has_text: boolean;
      n: number;
      respondents: number;
    }[] = await m.query(
      `SELECT a.question_id, a.option_id, a.value, (a.text IS NOT NULL AND btrim(a.text) <> '') AS has_text,
                count(*)::int AS n, count(DISTINCT a.response_id)::int AS respondents
           FROM responses r JOIN response_answers a ON a.response_id = r.id
          WHERE r.campaign_id = $1 AND r.excluded GROUP BY 1, 2, 3, 4`,
      [campaignId],
    );
    const excludedMulti: { question_id: string; n: number }[] = await m.query(
      `SELECT a.question_id, count(DISTINCT a.response_id)::int AS n
         FROM responses r JOIN response_answers a ON a.response_id = r.id
        WHERE r.campaign_id = $1 AND r.excluded AND a.option_id IS NOT NULL AND a.question_id = ANY($2::uuid[]) GROUP BY 1`,
      [campaignId, multiIds],
    );
    for (const x of excludedRows) {
      if (x.option_id) optionCounts.filter((r) => r.option_id === x.option_id).forEach((r) => (r.n -= x.n));
      else if (x.value !== null)
        scaleCounts.filter((r) => r.question_id === x.question_id && r.value === x.value).forEach((r) => (r.n -= x.n));
      else if (x.has_text) textCounts.filter((r) => r.question_id === x.question_id).forEach((r) => (r.n -= x.respondents));
    }
    for (const x of excludedMulti) choiceAnswered.filter((r) => r.question_id === x.question_id).forEach((r) => (r.n -= x.n));
    const optionN = new Map(optionCounts.map((r) => [r.option_id, r.n]));
    const multiN = new Map(choiceAnswered.map((r) => [r.question_id, r.n]));
    const textN = new Map(textCounts.map((r) => [r.question_id, r.n]));
    return questions.map((q): QuestionFigures => {
      const base = { questionId: q.id, documentId: q.document_id, kind: q.kind, text: q.text };
      if (q.kind === 'single' || q.kind === 'multi') {
        const own = options
          .filter((o) => o.question_id === q.id)
          .map((o) => ({ optionId: o.id, text: o.text, count: optionN.get(o.id) ?? 0 }));
        const answered = q.kind === 'multi' ? (multiN.get(q.id) ?? 0) : own.reduce((s, o) => s + o.count, 0);
        return { ...base, answered, options: own.map((o) => ({ ...o, percent: percent(o.count, answered) })) };
      }
      if (q.kind === 'scale') {
        const present = scaleCounts.filter((r) => r.question_id === q.id);
        const values = new Set(present.map((r) => r.value));
        if (q.scale_min !== null && q.scale_max !== null) for (let v = q.scale_min; v <= q.scale_max; v++) values.add(v);
        const distribution = [...values]
          .sort((a, b) => a - b)
          .map((value) => ({ value, count: present.find((r) => r.value === value)?.n ?? 0 }));
        const answered = distribution.reduce((s, d) => s + d.count, 0);
        return {
          ...base,
          answered,
          scale: { min: q.scale_min, max: q.scale_max, distribution, mean: meanOf(distribution), median: medianOf(distribution) },
        };
      }
      const count = textN.get(q.id) ?? 0;
      return { ...base, answered: count, texts: { count } };
    });
  }
}
