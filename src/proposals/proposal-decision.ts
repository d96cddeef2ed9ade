/** Decisions on proposals (docs/api.md «Proposals») and what people read for them. */
export const DECISIONS = ['accepted', 'partially', 'rejected', 'not_applicable'] as const;
export type Decision = (typeof DECISIONS)[number];

export const DECISION_LABELS: Readonly<Record<Decision, string>> = {
  accepted: 'учтено',
  partially: 'учтено частично',
  rejected: 'не учтено',
  not_applicable: 'не относится к документу',
};

/** What an undecided proposal shows in pages and files. */
export const UNDECIDED_LABEL = 'решение не принято';

/** These decisions must say why (docs/api.md: 1–2000 characters). */
export const NEEDS_JUSTIFICATION: readonly Decision[] = ['partially', 'rejected'];
export const JUSTIFICATION_MAX = 2000;

export function isDecision(value: unknown): value is Decision {
  return typeof value === 'string' && (DECISIONS as readonly string[]).includes(value);
}

export function decisionLabel(decision: string | null): string {
  return decision && isDecision(decision) ? DECISION_LABELS[decision] : UNDECIDED_LABEL;
}

export type ByDecision = Record<Decision, number>;

export function emptyByDecision(): ByDecision {
  return { accepted: 0, partially: 0, rejected: 0, not_applicable: 0 };
}

/** docs/api.md: GET .../proposals/summary, and the results snapshot's `proposals`. */
export interface ProposalsSummary {
  total: number;
  decided: number;
  byDecision: ByDecision;
  documents: { documentId: string | null; total: number; decided: number; byDecision: ByDecision }[];
}
