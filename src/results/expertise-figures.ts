import type { EntityManager } from 'typeorm';
import type { ScaleLabel } from '../campaigns/entities/campaign.entity';
import { farExperts, krippendorffAlpha } from './krippendorff';
import type { DocumentExpertise, ResultsData } from './results-snapshot.types';
import { meanOf, percent } from './statistics';

/**
 * The expertise figures of a campaign: counts and distributions by GROUP BY; the few submitted scores themselves are
 * loaded for Krippendorff's alpha and the far-experts check. Runs inside the aggregation's transaction.
 */
export async function expertiseFigures(
  m: EntityManager,
  campaignId: string,
  documents: { id: string; title: string }[],
  scale: ScaleLabel[],
): Promise<ResultsData['expertise']> {
  const submitted = `a.campaign_id = $1 AND a.status = 'submitted'`;
  const [experts] = await m.query(
    `SELECT count(DISTINCT a.expert_id)::int AS experts,
            count(DISTINCT p.territory_id) FILTER (WHERE t.active)::int AS covered,
            (SELECT count(*)::int FROM territories WHERE active) AS total
       FROM assignments a
       LEFT JOIN expert_profiles p ON p.user_id = a.expert_id
       LEFT JOIN territories t ON t.id = p.territory_id
      WHERE ${submitted}`,
    [campaignId],
  );
  const criteria: { id: string; text: string }[] = await m.query(
    `SELECT id, text FROM criteria WHERE campaign_id = $1 ORDER BY sort_order, id`,
    [campaignId],
  );
  const scores = scale.map((s) => s.score).sort((a, b) => a - b);
  const fully = scores.length ? scores[scores.length - 1] : 2;
  const distribution: { document_id: string; criterion_id: string; score: number; n: number }[] = await m.query(
    `SELECT a.document_id, s.criterion_id, s.score, count(*)::int AS n
       FROM review_scores s JOIN assignments a ON a.id = s.assignment_id
      WHERE ${submitted} GROUP BY a.document_id, s.criterion_id, s.score`,
    [campaignId],
  );
  const reviews: { document_id: string; n: number; comments: number }[] = await m.query(
    `SELECT a.document_id, count(*)::int AS n,
            (count(*) FILTER (WHERE btrim(a.general_comment) <> '')
             + COALESCE(sum((SELECT count(*) FROM review_scores s WHERE s.assignment_id = a.id AND btrim(s.comment) <> '')), 0))::int AS comments
       FROM assignments a WHERE ${submitted} GROUP BY a.document_id`,
    [campaignId],
  );
  const recommendations: { document_id: string; code: string; name: string; n: number }[] = await m.query(
    `SELECT a.document_id, a.recommendation AS code, COALESCE(ref.name, a.recommendation) AS name, count(*)::int AS n
       FROM assignments a LEFT JOIN recommendations ref ON ref.code = a.recommendation
      WHERE ${submitted} AND a.recommendation IS NOT NULL
      GROUP BY a.document_id, a.recommendation, ref.name, ref.sort_order
      ORDER BY ref.sort_order NULLS LAST, a.recommendation`,
    [campaignId],
  );
  // the few raw scores, for agreement (alpha) and the far-experts check
  const raw: { document_id: string; expert_id: string; full_name: string; criterion_id: string; score: number }[] = await m.query(
    `SELECT a.document_id, a.expert_id, u.full_name, s.criterion_id, s.score
       FROM review_scores s JOIN assignments a ON a.id = s.assignment_id JOIN users u ON u.id = a.expert_id
      WHERE ${submitted} ORDER BY a.expert_id, s.criterion_id`,
    [campaignId],
  );
  const docs = documents.map((d): DocumentExpertise => {
    const docRaw = raw.filter((r) => r.document_id === d.id);
    const units = criteria.map((c) => docRaw.filter((r) => r.criterion_id === c.id).map((r) => r.score));
    const names = new Map(docRaw.map((r) => [r.expert_id, r.full_name]));
    const byExpert = [...names.keys()].map((expertId) => ({
      expertId,
      scores: new Map(docRaw.filter((r) => r.expert_id === expertId).map((r) => [r.criterion_id, r.score])),
    }));
    const alpha = names.size >= 2 ? krippendorffAlpha(units, 'ordinal') : null;
    return {
      documentId: d.id,
      title: d.title,
      reviews: reviews.find((r) => r.document_id === d.id)?.n ?? 0,
      alpha: alpha === null ? null : Math.round(alpha * 1000) / 1000,
      criteria: criteria.map((c) => {
        const rows = distribution.filter((r) => r.document_id === d.id && r.criterion_id === c.id);
        const dist = scores.map((score) => ({ score, count: rows.find((r) => r.score === score)?.n ?? 0 }));
        for (const r of rows) if (!scores.includes(r.score)) dist.push({ score: r.score, count: r.n });
        const n = dist.reduce((s, x) => s + x.count, 0);
        const mean = meanOf(dist.map((x) => ({ value: x.score, count: x.count })));
        return {
          criterionId: c.id,
          text: c.text,
          mean,
          fullyPercent: percent(dist.find((x) => x.score === fully)?.count ?? 0, n),
          distribution: dist,
        };
      }),
      recommendations: recommendations.filter((r) => r.document_id === d.id).map((r) => ({ code: r.code, name: r.name, count: r.n })),
      comments: reviews.find((r) => r.document_id === d.id)?.comments ?? 0,
      farExperts: farExperts(byExpert).map((f) => ({ ...f, fullName: names.get(f.expertId) ?? '' })),
    };
  });
  return {
    experts: experts.experts,
    territories: { covered: experts.covered, total: experts.total, percent: percent(experts.covered, experts.total) },
    documents: docs,
  };
}
