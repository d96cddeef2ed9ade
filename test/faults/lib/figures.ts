import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FigureRow {
  scenario: string;
  load: string;
  faults: string;
  acknowledged: number;
  lost: number;
  duplicated: number;
  notes: string;
}

/** One file per `npm run test:faults` run (its run id comes from the global setup); the reporter prints it at the end. */
export function figuresFile(runId = process.env.TEST_RUN_ID ?? 'local'): string {
  return join(tmpdir(), `dp-fault-figures-${runId}.jsonl`);
}

export function recordFigure(row: FigureRow): void {
  appendFileSync(figuresFile(), `${JSON.stringify(row)}\n`);
  process.stdout.write(`FIGURE ${formatTable([row])}\n`);
}

export function readFigures(runId?: string): FigureRow[] {
  const file = figuresFile(runId);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FigureRow);
}

const COLUMNS: [keyof FigureRow, string][] = [
  ['scenario', 'scenario'],
  ['load', 'load'],
  ['faults', 'faults injected'],
  ['acknowledged', 'acknowledged'],
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
  ['notes', 'notes'],
];

/** A Markdown table (pasted as is into README's Reliability section). */
export function formatTable(rows: FigureRow[]): string {
  const head = `| ${COLUMNS.map(([, t]) => t).join(' | ')} |`;
  const sep = `|${COLUMNS.map(([k]) => (typeof rows[0]?.[k] === 'number' ? '---:' : '---')).join('|')}|`;
  const body = rows.map((r) => `| ${COLUMNS.map(([k]) => String(r[k]).replace(/\|/g, '/')).join(' | ')} |`);
  return [head, sep, ...body].join('\n');
}
