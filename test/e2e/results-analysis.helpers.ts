import { TERRITORY_KIND_LABELS } from '../../src/reference/reference-data';
import type { ResultsFixture } from '../factories/results.factory';

/**
 * Independent recomputations of the analysis figures from the rows a fixture inserted (plain loops; the app
 * computes in SQL). Percent and mean rounding as docs/api.md says: one decimal, two decimals, half away from zero.
 */
export const pct = (n: number, d: number) => (d ? Math.round((n * 1000) / d) / 10 : 0);
export const mean2 = (sum: number, n: number) => (n ? Math.round((sum * 100) / n) / 100 : null);

export type Dimension = 'territory_kind' | 'territory' | 'position' | 'organization_type';

export function expectedBreakdown(fx: ResultsFixture, questionId: string, by: Dimension) {
  const q = fx.questions.find((x) => x.id === questionId)!;
  const territory = new Map(fx.territories.map((t) => [t.id, t]));
  const keyOf = (r: ResultsFixture['responses'][number]) =>
    by === 'territory_kind'
      ? territory.get(r.territoryId)!.kind
      : by === 'territory'
        ? r.territoryId
        : by === 'position'
          ? r.position
          : r.organizationType;
  const order =
    by === 'territory_kind'
      ? [...new Set(fx.territories.map((t) => t.kind))].sort()
      : by === 'territory'
        ? fx.territories.map((t) => t.id)
        : by === 'position'
          ? fx.positions.map((p) => p.code)
          : fx.organizationTypes.map((o) => o.code);
  const nameOf = (key: string) => {
    if (by === 'territory_kind') return TERRITORY_KIND_LABELS[key];
    if (by === 'territory') return `${territory.get(key)!.name} (${TERRITORY_KIND_LABELS[territory.get(key)!.kind].toLowerCase()})`;
    if (by === 'position') return fx.positions.find((p) => p.code === key)!.name;
    return fx.organizationTypes.find((o) => o.code === key)!.name;
  };
  const columns =
    q.kind === 'single' || q.kind === 'multi'
      ? q.options.map((o) => ({ key: o.id, label: o.text, hit: (a: { optionId?: string }) => a.optionId === o.id, value: 0 }))
      : q.kind === 'scale'
        ? [1, 2, 3, 4, 5].map((v) => ({ key: String(v), label: String(v), hit: (a: { value?: number }) => a.value === v, value: v }))
        : [];
  const figures = (responses: ResultsFixture['responses']) => {
    const answering = responses
      .map((r) => r.answers.filter((a) => a.questionId === q.id && (a.optionId || a.value !== undefined || a.text?.trim())))
      .filter((a) => a.length);
    const answered = answering.length;
    const cells = columns.map((c) => {
      const count = answering.filter((as) => as.some((a) => c.hit(a))).length;
      return { count, percent: pct(count, answered) };
    });
    const mean =
      q.kind === 'scale'
        ? mean2(
            cells.reduce((s, c, i) => s + c.count * columns[i].value, 0),
            answered,
          )
        : null;
    return { answered, cells, mean };
  };
  const counted = fx.responses.filter((r) => !r.excluded);
  const groups = order
    .map((key) => ({ key, name: nameOf(key), ...figures(counted.filter((r) => keyOf(r) === key)) }))
    .filter((g) => g.answered > 0);
  return {
    questionId: q.id,
    documentId: q.documentId,
    questionText: q.text,
    kind: q.kind,
    by,
    columns: columns.map((c) => ({ key: c.key, label: c.label })),
    groups,
    total: figures(counted),
  };
}

/** The cross-campaign figures of the given fixtures, oldest first (the fixtures' opening order). */
export function expectedRounds(fixtures: ResultsFixture[]) {
  const active = fixtures[0].territories.filter((t) => t.active);
  const out: any[] = [];
  for (const fx of fixtures) {
    const counted = fx.responses.filter((r) => !r.excluded);
    const covered = active.filter((t) => counted.some((r) => r.territoryId === t.id)).length;
    const submitted = fx.reviews.filter((r) => r.status === 'submitted');
    const expertIds = new Set(submitted.map((r) => r.expertId));
    const expertTerritories = new Set(fx.experts.filter((e) => expertIds.has(e.id)).map((e) => e.territoryId)).size;
    const previous = out.at(-1);
    const documents = fx.documents.map((d) => {
      const scores = submitted.filter((r) => r.documentId === d.id).flatMap((r) => r.scores.map((s) => s.score));
      const meanScore = mean2(
        scores.reduce((s, x) => s + x, 0),
        scores.length,
      );
      const before = previous?.documents.find((p: { title: string }) => p.title === d.title);
      const change = before?.meanScore != null && meanScore !== null ? Math.round((meanScore - before.meanScore) * 100) / 100 : null;
      return { documentId: d.id, title: d.title, reviews: submitted.filter((r) => r.documentId === d.id).length, meanScore, change };
    });
    const means = documents.map((d) => d.meanScore).filter((m): m is number => m !== null);
    const meanScore = means.length ? Math.round((means.reduce((s, m) => s + m, 0) / means.length) * 100) / 100 : null;
    out.push({
      campaignId: fx.campaignId,
      title: fx.title,
      respondents: counted.length,
      territories: { covered, total: active.length, percent: pct(covered, active.length) },
      experts: expertIds.size,
      expertTerritories,
      meanScore,
      documents,
      change: previous
        ? {
            respondents: counted.length - previous.respondents,
            covered: covered - previous.territories.covered,
            experts: expertIds.size - previous.experts,
            expertTerritories: expertTerritories - previous.expertTerritories,
            meanScore: meanScore !== null && previous.meanScore !== null ? Math.round((meanScore - previous.meanScore) * 100) / 100 : null,
          }
        : null,
    });
  }
  return out;
}
