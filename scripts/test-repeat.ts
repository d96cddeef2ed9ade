import { spawnSync } from 'node:child_process';

/**
 * `npm run test:repeat [-- N [jest args…]]`: runs the whole `npm test` N times in a row (default 10), stops at the
 * first failing run and prints the tally. A test that fails once in N runs is a bug (in the test or the code), so
 * this is how a suspected race is hunted before it makes a red CI ambiguous.
 */
const [countArg, ...jestArgs] = process.argv.slice(2);
const runs = countArg === undefined ? 10 : Number(countArg);
if (!Number.isInteger(runs) || runs < 1 || runs > 1000) {
  console.error(`test:repeat: the number of runs must be a whole number from 1 to 1000, got «${countArg}»`);
  process.exit(2);
}

const tally: { run: number; seconds: number; ok: boolean }[] = [];
for (let run = 1; run <= runs; run++) {
  const started = Date.now();
  console.log(`\n[test:repeat] run ${run} of ${runs}`);
  const result = spawnSync('npm', ['test', '--', ...jestArgs], { stdio: 'inherit', env: process.env });
  const seconds = Math.round((Date.now() - started) / 1000);
  tally.push({ run, seconds, ok: result.status === 0 });
  if (result.status !== 0) break;
}

const passed = tally.filter((t) => t.ok).length;
const failed = tally.length - passed;
console.log('\n[test:repeat] run  seconds  result');
for (const t of tally) console.log(`[test:repeat] ${String(t.run).padStart(3)}  ${String(t.seconds).padStart(7)}  ${t.ok ? 'passed' : 'FAILED'}`);
console.log(`[test:repeat] ${passed} of ${runs} runs passed${failed ? `; stopped at run ${tally.length}, which failed` : ''}`);
process.exit(failed ? 1 : 0);
