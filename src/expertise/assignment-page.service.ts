import { Injectable } from '@nestjs/common';
import { isUuid } from '../common/uuid';
import { conflictOf } from './assignment-rules';
import { AssignmentsRepository, CandidateFilter, CandidateRow } from './assignments.repository';

export interface PlannedConflict {
  expertName: string;
  documentTitle: string;
  reason: string;
}

export interface AssignmentPlan {
  /** Pairs that will be created (conflicting pairs included: they need the override reason). */
  toCreate: number;
  alreadyAssigned: number;
  conflicts: PlannedConflict[];
  expertIds: string[];
  documentIds: string[];
}

type Input = Record<string, unknown>;

const list = (v: unknown): string[] => ([] as unknown[]).concat(v ?? []).filter((x): x is string => isUuid(x));

/**
 * The assignment page at scale: the filter of approved experts (name, territory, competence, current load), "all
 * found" resolved on the server with the same filter, and the plan shown before anything is created — how many
 * pairs, which are assigned already, which conflict (in words: expert, document, reason).
 */
@Injectable()
export class AssignmentPageService {
  constructor(private readonly repo: AssignmentsRepository) {}

  /** The filter from the page's query or form; anything malformed is ignored (a filter never fails). */
  filterOf(q: Input): CandidateFilter {
    const text = typeof q.q === 'string' ? q.q.trim().slice(0, 100) : '';
    const territoryId = isUuid(q.territoryId) ? q.territoryId : undefined;
    const competence = typeof q.competence === 'string' && q.competence.length <= 100 && q.competence ? q.competence : undefined;
    const load = typeof q.maxLoad === 'string' && /^\d{1,4}$/.test(q.maxLoad) ? Number(q.maxLoad) : undefined;
    return { q: text || undefined, territoryId, competence, maxLoad: load };
  }

  candidates(campaignId: string, filter: CandidateFilter): Promise<CandidateRow[]> {
    return this.repo.candidates(campaignId, filter);
  }

  /** The experts a post means: the ticked ones, or every expert the posted filter finds ("all found"). */
  async chosenExperts(campaignId: string, body: Input): Promise<string[]> {
    if (body.allFiltered === 'yes') return (await this.repo.candidates(campaignId, this.filterOf(body))).map((c) => c.id);
    return [...new Set(list(body.expertIds))];
  }

  async plan(campaignId: string, expertIds: string[], documentIdsIn: unknown): Promise<AssignmentPlan> {
    const documentIds = [...new Set(list(documentIdsIn))];
    if (!expertIds.length || !documentIds.length) return { toCreate: 0, alreadyAssigned: 0, conflicts: [], expertIds, documentIds };
    const chosen = new Set(expertIds);
    const [experts, docs, existing] = await Promise.all([
      this.repo.candidates(campaignId, {}),
      this.repo.documents(campaignId, documentIds),
      this.repo.existingPairs(expertIds, documentIds),
    ]);
    const taken = new Set(existing.map((e) => `${e.expert_id}:${e.document_id}`));
    let toCreate = 0;
    const conflicts: PlannedConflict[] = [];
    for (const doc of docs) {
      for (const e of experts.filter((x) => chosen.has(x.id))) {
        if (taken.has(`${e.id}:${doc.id}`)) continue;
        toCreate++;
        const reason = conflictOf(e, doc);
        if (reason) conflicts.push({ expertName: e.full_name, documentTitle: doc.title, reason });
      }
    }
    return { toCreate, alreadyAssigned: existing.length, conflicts, expertIds, documentIds };
  }

  history(expertId: string) {
    return this.repo.expertHistory(expertId);
  }
}
