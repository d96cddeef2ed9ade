import { Injectable } from '@nestjs/common';
import { DECISION_LABELS, DECISIONS, decisionLabel, ProposalsSummary, UNDECIDED_LABEL } from './proposal-decision';
import { DecisionCountRow, ProposalGroupRow, ProposalRow, ProposalsRepository } from './proposals.repository';
import { ProposalsService, summarize } from './proposals.service';

/** Groups shown at most per document on the public and expert pages (the files hold every proposal). */
export const GROUPS_SHOWN = 1000;
export const GENERAL_TITLE = 'Анкета в целом';

/** A group of near-identical proposals as pages show it. */
export interface GroupView {
  ids: string[];
  idsValue: string;
  size: number;
  text: string;
  questionText: string;
  /** who wrote it, for a single proposal; for a group, how many wrote it */
  origin: string;
  outcomes: { label: string; justification: string | null; count: number; decided: boolean }[];
  decided: number;
  undecided: number;
}

/** The summary files' input: figures, document titles by id, and every proposal in summary order. */
export interface ProposalsFileData {
  summary: ProposalsSummary;
  titles: Map<string, string>;
  rows: ProposalRow[];
}

/**
 * What the full report prints, at any round size: the counts (counted in SQL) and every proposal in summary order
 * as batches read while the file is written (a federal round has hundreds of thousands of proposals).
 */
export interface ProposalsReportData {
  summary: ProposalsSummary;
  titles: Map<string, string>;
  batches(decidedOnly?: boolean): AsyncIterable<ProposalRow[]>;
}

/** A document's figures and its groups of proposals with their decisions. */
interface DocumentGroups<G> {
  documentId: string | null;
  title: string;
  total: number;
  decided: number;
  figures: { label: string; count: number }[];
  groups: G[];
  groupsShortened: boolean;
}

/** A group as the public page shows it: without the ids (nothing is decided there; a group may hold thousands). */
export type PublishedGroupView = Omit<GroupView, 'ids' | 'idsValue'>;

/** What the public results page shows of one document apart from its versions: kept per snapshot (published-proposals). */
export type PublishedDocument = DocumentGroups<PublishedGroupView>;

export interface VersionView {
  versionNumber: number;
  fileName: string;
  notes: string;
  createdAt: Date;
  current: boolean;
}

export type SummaryDocumentView<G = GroupView> = DocumentGroups<G> & { versions: VersionView[] };

export function groupView(g: ProposalGroupRow): GroupView {
  const ids = g.ids.split(',');
  const origin =
    g.size === 1
      ? [g.territory_name, g.position_name, g.organization_type_name].filter(Boolean).join(', ')
      : `${g.size} одинаковых или почти одинаковых предложений`;
  return {
    ids,
    idsValue: g.ids,
    size: g.size,
    text: g.text,
    questionText: g.question_text,
    origin,
    outcomes: g.outcomes.map((o) => ({
      label: decisionLabel(o.decision),
      justification: o.justification,
      count: o.count,
      decided: !!o.decision,
    })),
    decided: g.decided,
    undecided: g.size - g.decided,
  };
}

/** The summary's figures as label/count pairs, in decision order, undecided last. */
export function figuresOf(s: { total: number; decided: number; byDecision: ProposalsSummary['byDecision'] }) {
  return [
    ...DECISIONS.map((d) => ({ label: DECISION_LABELS[d], count: s.byDecision[d] })),
    { label: UNDECIDED_LABEL, count: s.total - s.decided },
  ];
}

/** The «Сводка предложений» as pages and files show it: per document, its versions, figures and proposals. */
@Injectable()
export class ProposalsSummaryService {
  /**
   * Most proposals the organizer's instant downloads (summary.xlsx, summary.pdf) hold: they are made in the web
   * process and held in memory (~1 KB a proposal), and a PDF of tens of thousands of pages helps nobody. Larger
   * rounds get the full report's «Сводка предложений» sheet, streamed by the worker.
   */
  static FILE_MAX = 20_000;

  constructor(
    private readonly repo: ProposalsRepository,
    private readonly proposals: ProposalsService,
  ) {}

  /** Per document (optionally one): figures, versions and the groups of proposals with their decisions. */
  async documents(campaignId: string, onlyDocumentId?: string): Promise<SummaryDocumentView[]> {
    return this.withVersions(await this.grouped(campaignId, await this.proposals.summaryOf(campaignId), onlyDocumentId));
  }

  /**
   * What the public results page publishes apart from the versions, computed now: the summary per document once any
   * decision exists, else nothing. Costly at scale (see PublishedProposalsService, which keeps it per snapshot).
   */
  async publishedDocuments(campaignId: string): Promise<PublishedDocument[]> {
    // the counts first: grouping the texts costs ~1.7 s at 100,000 responses, and is not needed before any decision
    const summary = await this.proposals.summaryOf(campaignId);
    if (!summary.decided) return [];
    const documents = await this.grouped(campaignId, summary);
    return documents
      .filter((d) => d.total > 0)
      .map((d) => ({ ...d, groups: d.groups.map(({ ids: _ids, idsValue: _idsValue, ...shown }) => shown) }));
  }

  /** The public page's summary computed from the current rows (what PublishedProposalsService keeps per snapshot). */
  async published(campaignId: string): Promise<SummaryDocumentView<PublishedGroupView>[]> {
    return this.withVersions(await this.publishedDocuments(campaignId));
  }

  /** Each document with its versions (the revised one marked current), read now: a new version shows at once. */
  async withVersions<G>(documents: DocumentGroups<G>[]): Promise<SummaryDocumentView<G>[]> {
    const versions = await this.repo.versions(documents.map((d) => d.documentId).filter((id): id is string => id !== null));
    return documents.map((d) => {
      const own = versions.filter((v) => v.document_id === d.documentId);
      const latest = own.length ? own[own.length - 1].number : null;
      const shown = own.map((v) => ({
        versionNumber: v.number,
        fileName: v.file_name,
        notes: v.notes,
        createdAt: v.created_at,
        current: v.number === latest,
      }));
      return { ...d, versions: shown };
    });
  }

  /** Per document of the summary (optionally one): its figures and up to GROUPS_SHOWN groups of proposals. */
  private async grouped(campaignId: string, summary: ProposalsSummary, onlyDocumentId?: string): Promise<DocumentGroups<GroupView>[]> {
    const documents = await this.repo.documents(campaignId);
    const titles = new Map(documents.map((d) => [d.id, d.title]));
    const wanted = summary.documents.filter((d) => (onlyDocumentId ? d.documentId === onlyDocumentId : true));
    const out: DocumentGroups<GroupView>[] = [];
    for (const d of wanted) {
      // proposals without a document come from questions about the questionnaire as a whole
      const filter = d.documentId ? { documentId: d.documentId } : { withoutDocument: true };
      const own = d.total ? await this.repo.groups(campaignId, filter, 0, GROUPS_SHOWN + 1) : [];
      out.push({
        documentId: d.documentId,
        title: d.documentId ? (titles.get(d.documentId) ?? '') : GENERAL_TITLE,
        total: d.total,
        decided: d.decided,
        figures: figuresOf(d),
        groups: own.slice(0, GROUPS_SHOWN).map(groupView),
        groupsShortened: own.length > GROUPS_SHOWN,
      });
    }
    return out;
  }

  /** The full report's «Сводка предложений»: counts now, the rows as the renderer reads them. */
  async reportData(campaignId: string): Promise<ProposalsReportData> {
    const [summary, documents] = await Promise.all([this.proposals.summaryOf(campaignId), this.repo.documents(campaignId)]);
    return {
      summary,
      titles: new Map(documents.map((d) => [d.id, d.title])),
      batches: (decidedOnly = false) => this.repo.batches(campaignId, 2_000, decidedOnly),
    };
  }

  /**
   * What the summary files print (the organizer's downloads): every proposal in summary order,
   * and the figures counted from those same rows, so the counts and the list always agree. Made in the web
   * process, in memory: null for a round with more than FILE_MAX proposals (the proposals page then points to
   * the full report, written by the worker with progress).
   */
  async fileData(campaignId: string): Promise<ProposalsFileData | null> {
    const { total } = await this.proposals.summaryOf(campaignId);
    if (total > ProposalsSummaryService.FILE_MAX) return null;
    const [rows, documents] = await Promise.all([this.repo.all(campaignId), this.repo.documents(campaignId)]);
    const counts = new Map<string, DecisionCountRow>();
    for (const r of rows) {
      const key = `${r.document_id}|${r.decision}`;
      const count = counts.get(key);
      if (count) count.n++;
      else counts.set(key, { document_id: r.document_id, decision: r.decision, n: 1 });
    }
    return { summary: summarize([...counts.values()], documents), titles: new Map(documents.map((d) => [d.id, d.title])), rows };
  }
}
