import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CoreModule } from '../../src/core.module';
import { ResultsService } from '../../src/results/results.service';
import { buildResultsCampaign, ResultsFixture } from '../factories/results.factory';

/**
 * Every figure of the snapshot, recomputed here independently from the rows the factory inserted
 * (plain loops over the fixture; the service computes in SQL).
 */
const pct = (n: number, d: number) => (d ? Math.round((n * 1000) / d) / 10 : 0);
const r2 = (x: number) => Math.round(x * 100) / 100;

function expectedDiscussion(fx: ResultsFixture) {
  const counted = fx.responses.filter((r) => !r.excluded);
  const active = fx.territories.filter((t) => t.active);
  const perTerritory = new Map<string, number>();
  for (const r of counted) perTerritory.set(r.territoryId, (perTerritory.get(r.territoryId) ?? 0) + 1);
  const covered = active.filter((t) => perTerritory.has(t.id)).length;
  const countBy = (key: (r: (typeof counted)[number]) => string) => {
    const m = new Map<string, number>();
    for (const r of counted) m.set(key(r), (m.get(key(r)) ?? 0) + 1);
    return m;
  };
  const byKind = countBy((r) => fx.territories.find((t) => t.id === r.territoryId)!.kind);
  const byType = countBy((r) => r.organizationType);
  const byPos = countBy((r) => r.position);
  const questions = fx.questions.map((q) => {
    const answers = counted.flatMap((r) => r.answers.filter((a) => a.questionId === q.id).map((a) => ({ ...a, responseId: r.id })));
    const answered = new Set(answers.filter((a) => (q.kind === 'text' ? a.text?.trim() : true)).map((a) => a.responseId)).size;
    const base = { questionId: q.id, documentId: q.documentId, kind: q.kind, text: q.text, answered };
    if (q.kind === 'single' || q.kind === 'multi') {
      return {
        ...base,
        options: q.options.map((o) => {
          const count = answers.filter((a) => a.optionId === o.id).length;
          return { optionId: o.id, text: o.text, count, percent: pct(count, answered) };
        }),
      };
    }
    if (q.kind === 'scale') {
      const values = answers.map((a) => a.value!).sort((a, b) => a - b);
      const n = values.length;
      const median = n === 0 ? null : n % 2 ? values[(n - 1) / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
      return {
        ...base,
        scale: {
          min: q.scaleMin,
          max: q.scaleMax,
          distribution: [1, 2, 3, 4, 5].map((value) => ({ value, count: values.filter((v) => v === value).length })),
          mean: n ? r2(values.reduce((s, v) => s + v, 0) / n) : null,
          median,
        },
      };
    }
    return { ...base, texts: { count: answered } };
  });
  return {
    respondents: counted.length,
    territories: {
      covered,
      total: active.length,
      percent: pct(covered, active.length),
      byTerritory: active.map((t) => ({
        territoryId: t.id,
        name: t.name,
        kind: t.kind,
        respondents: perTerritory.get(t.id) ?? 0,
        percent: pct(perTerritory.get(t.id) ?? 0, counted.length),
      })),
      silent: active.filter((t) => !perTerritory.has(t.id)).map((t) => ({ territoryId: t.id, name: t.name, kind: t.kind })),
      byKind: [...new Set(active.map((t) => t.kind))].sort().map((kind) => {
        const ofKind = active.filter((t) => t.kind === kind);
        const n = ofKind.filter((t) => perTerritory.has(t.id)).length;
        return { kind, covered: n, total: ofKind.length, percent: pct(n, ofKind.length) };
      }),
    },
    byTerritoryKind: [...byKind.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, respondents]) => ({ kind, respondents, percent: pct(respondents, counted.length) })),
    byOrganizationType: fx.organizationTypes
      .filter((o) => byType.has(o.code))
      .map((o) => ({ code: o.code, name: o.name, respondents: byType.get(o.code)!, percent: pct(byType.get(o.code)!, counted.length) })),
    byPosition: fx.positions
      .filter((o) => byPos.has(o.code))
      .map((o) => ({ code: o.code, name: o.name, respondents: byPos.get(o.code)!, percent: pct(byPos.get(o.code)!, counted.length) })),
    questions,
  };
}

/** Krippendorff's ordinal alpha written out again, independently: pairs within each unit, ranks by value counts. */
function alphaOrdinal(units: number[][]): number | null {
  const values: number[] = [];
  const pairs: [number, number, number][] = [];
  for (const u of units) {
    if (u.length < 2) continue;
    for (let i = 0; i < u.length; i++) for (let j = 0; j < u.length; j++) if (i !== j) pairs.push([u[i], u[j], 1 / (u.length - 1)]);
    values.push(...u);
  }
  const n = values.length;
  const nv = (v: number) => values.filter((x) => x === v).length;
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  if (n <= 1 || distinct.length < 2) return null;
  const d2 = (c: number, k: number) => {
    const [lo, hi] = [Math.min(c, k), Math.max(c, k)];
    const s = distinct.filter((g) => g >= lo && g <= hi).reduce((acc, g) => acc + nv(g), 0);
    return (s - (nv(c) + nv(k)) / 2) ** 2;
  };
  const dO = pairs.reduce((acc, [c, k, w]) => acc + w * d2(c, k), 0);
  let dE = 0;
  for (const c of distinct) for (const k of distinct) dE += nv(c) * nv(k) * d2(c, k);
  return 1 - ((n - 1) * dO) / dE;
}

function expectedExpertise(fx: ResultsFixture) {
  const submitted = fx.reviews.filter((r) => r.status === 'submitted');
  const expertIds = new Set(submitted.map((r) => r.expertId));
  const active = fx.territories.filter((t) => t.active);
  const expertTerritories = new Set(fx.experts.filter((e) => expertIds.has(e.id)).map((e) => e.territoryId));
  return {
    experts: expertIds.size,
    territories: { covered: expertTerritories.size, total: active.length, percent: pct(expertTerritories.size, active.length) },
    documents: fx.documents.map((d) => {
      const reviews = submitted.filter((r) => r.documentId === d.id);
      const units = fx.criteria.map((c) => reviews.map((r) => r.scores.find((s) => s.criterionId === c.id)!.score));
      const alpha = reviews.length >= 2 ? alphaOrdinal(units) : null;
      const recs = new Map<string, number>();
      for (const r of reviews) recs.set(r.recommendation!, (recs.get(r.recommendation!) ?? 0) + 1);
      const far = reviews
        .map((r) => {
          const devs = fx.criteria.map((c) => {
            const own = r.scores.find((s) => s.criterionId === c.id)!.score;
            const others = reviews.filter((o) => o !== r).map((o) => o.scores.find((s) => s.criterionId === c.id)!.score);
            return Math.abs(own - others.reduce((a, b) => a + b, 0) / others.length);
          });
          return { expertId: r.expertId, deviation: r2(devs.reduce((a, b) => a + b, 0) / devs.length) };
        })
        .filter((f) => f.deviation >= 1)
        .sort((a, b) => b.deviation - a.deviation);
      return {
        documentId: d.id,
        title: d.title,
        reviews: reviews.length,
        alpha: alpha === null ? null : Math.round(alpha * 1000) / 1000,
        criteria: fx.criteria.map((c, i) => {
          const scores = units[i];
          const dist = [0, 1, 2].map((score) => ({ score, count: scores.filter((s) => s === score).length }));
          return {
            criterionId: c.id,
            text: c.text,
            mean: scores.length ? r2(scores.reduce((a, b) => a + b, 0) / scores.length) : null,
            fullyPercent: pct(dist[2].count, scores.length),
            distribution: dist,
          };
        }),
        recommendations: fx.recommendations
          .filter((r) => recs.has(r.code))
          .map((r) => ({ code: r.code, name: r.name, count: recs.get(r.code) })),
        comments:
          reviews.filter((r) => r.generalComment.trim()).length + reviews.flatMap((r) => r.scores).filter((s) => s.comment.trim()).length,
        farExperts: far.map((f) => ({ ...f, fullName: fx.experts.find((e) => e.id === f.expertId)!.fullName })),
      };
    }),
  };
}

describe('results aggregation (SQL) against figures recomputed from the inserted rows', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let results: ResultsService;

  beforeAll(async () => {
    ctx = await NestFactory.createApplicationContext(CoreModule, { logger: false });
    ds = ctx.get<DataSource>(getDataSourceToken());
    results = ctx.get(ResultsService);
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('computes every discussion and expertise figure exactly, leaving excluded responses and unsubmitted reviews out', async () => {
    const fx = await buildResultsCampaign(ds, { responses: 90, seed: 7 });
    const snapshot = await results.aggregate(fx.campaignId);
    expect(snapshot).not.toBeNull();
    expect(snapshot!.stage).toBe('discussion');
    expect(snapshot!.discussion).toEqual(expectedDiscussion(fx));
    expect(snapshot!.expertise).toEqual(expectedExpertise(fx));
    // sanity of the fixture itself: the interesting cases are present
    expect(fx.responses.some((r) => r.excluded)).toBe(true);
    expect(snapshot!.discussion.territories.covered).toBeLessThan(snapshot!.discussion.territories.total);
    expect(snapshot!.expertise.documents[0].farExperts.map((f) => f.expertId)).toContain(fx.experts[2].id);
    expect(snapshot!.expertise.documents.every((d) => typeof d.alpha === 'number')).toBe(true);
  });

  it('is idempotent: a second run gives the same snapshot; the newest is the one served', async () => {
    const fx = await buildResultsCampaign(ds, { responses: 25, seed: 11 });
    const a = await results.aggregate(fx.campaignId);
    const b = await results.aggregate(fx.campaignId);
    const strip = (s: typeof a) => ({ ...s, id: undefined, computedAt: undefined });
    expect(strip(b)).toEqual(strip(a));
    expect((await results.latest(fx.campaignId))!.id).toBe(b!.id);
  });

  it('an empty campaign gives zeros and undefined statistics, not errors', async () => {
    const fx = await buildResultsCampaign(ds, { responses: 0, experts: 1, seed: 3 });
    const s = (await results.aggregate(fx.campaignId))!;
    expect(s.discussion.respondents).toBe(0);
    expect(s.discussion.territories.covered).toBe(0);
    expect(s.discussion.questions.find((q) => q.kind === 'scale')!.scale).toMatchObject({ mean: null, median: null });
    expect(s.discussion.questions.find((q) => q.kind === 'multi')!.options!.every((o) => o.count === 0 && o.percent === 0)).toBe(true);
    expect(s.expertise.documents.map((d) => d.alpha)).toEqual([null, null]);
    expect(s.expertise.documents[0].farExperts).toEqual([]);
  });

  it('returns null for a campaign that does not exist', async () => {
    expect(await results.aggregate('00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
