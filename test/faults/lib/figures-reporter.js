/* eslint-disable @typescript-eslint/no-require-imports -- a Jest reporter is loaded as CommonJS */
/**
 * Jest reporter of `npm run test:faults`: after the run, prints the table of the figures every fault scenario recorded
 * (test/faults/lib/figures.ts writes them, one JSON line per scenario, to a file named after the run's id).
 */
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const COLUMNS = [
  ['scenario', 'scenario'],
  ['load', 'load'],
  ['faults', 'faults injected'],
  ['acknowledged', 'acknowledged'],
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
  ['notes', 'notes'],
];

class FiguresReporter {
  onRunComplete() {
    const file = join(tmpdir(), `dp-fault-figures-${process.env.TEST_RUN_ID ?? 'local'}.jsonl`);
    if (!existsSync(file)) return;
    const rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .sort((a, b) => a.scenario.localeCompare(b.scenario)); // (a) … (f), whatever order Jest ran the files in
    rmSync(file, { force: true });
    const head = `| ${COLUMNS.map(([, t]) => t).join(' | ')} |`;
    const sep = `|${COLUMNS.map(([k]) => (typeof rows[0][k] === 'number' ? '---:' : '---')).join('|')}|`;
    const body = rows.map((r) => `| ${COLUMNS.map(([k]) => String(r[k]).replace(/\|/g, '/')).join(' | ')} |`);
    process.stdout.write(`\nFault-injection figures (npm run test:faults):\n\n${[head, sep, ...body].join('\n')}\n\n`);
  }
}

module.exports = FiguresReporter;
