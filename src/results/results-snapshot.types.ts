import type { ProposalsSummary } from '../proposals/proposal-decision';

/** The snapshot shape of docs/api.md ("Results and reports"); fields beyond docs/api.md are additions, docs/api.md's stay. */
import type { KindCoverage, SilentTerritory } from './coverage';

export interface TerritoryFigure {
  territoryId: string;
  name: string;
  kind: string;
  respondents: number;
  /** share of all respondents */
  percent: number;
}

export interface CodeFigure {
  code: string;
  name: string;
  respondents: number;
  /** share of all respondents (an addition to docs/api.md) */
  percent: number;
}

export interface QuestionFigures {
  questionId: string;
  documentId: string | null;
  kind: string;
  text: string;
  /** respondents who answered this question */
  answered: number;
  options?: { optionId: string; text: string; count: number; percent: number }[];
  scale?: {
    min: number | null;
    max: number | null;
    distribution: { value: number; count: number }[];
    mean: number | null;
    median: number | null;
  };
  texts?: { count: number };
}

export interface CriterionFigures {
  criterionId: string;
  text: string;
  mean: number | null;
  fullyPercent: number;
  distribution: { score: number; count: number }[];
}

export interface DocumentExpertise {
  documentId: string;
  title: string;
  reviews: number;
  alpha: number | null;
  criteria: CriterionFigures[];
  recommendations: { code: string; name: string; count: number }[];
  comments: number;
  farExperts: { expertId: string; fullName: string; deviation: number }[];
}

export interface ResultsData {
  campaignId: string;
  title: string;
  documents: { documentId: string; title: string }[];
  discussion: {
    respondents: number;
    territories: {
      covered: number;
      total: number;
      percent: number;
      byTerritory: TerritoryFigure[];
      /** additions: the active territories with no respondent, in reference order (named in the PDF and XLSX too) */
      silent: SilentTerritory[];
      /** additions: «N из M» active territories covered, per territory kind */
      byKind: KindCoverage[];
    };
    byTerritoryKind: { kind: string; respondents: number; percent: number }[];
    byOrganizationType: CodeFigure[];
    byPosition: CodeFigure[];
    questions: QuestionFigures[];
  };
  expertise: {
    experts: number;
    territories: { covered: number; total: number; percent: number };
    documents: DocumentExpertise[];
  };
  /** The revision stage's decisions on proposals (docs/api.md «Proposals»), present once any decision exists. */
  proposals?: ProposalsSummary;
}

export interface ResultsSnapshotView extends ResultsData {
  id: string;
  computedAt: string;
  stage: string;
}
