import 'reflect-metadata';
import { cliExitCode } from './cli/cli-runner';

/** `npm run cli -- <command>` (or `node dist/src/cli.js <command>`): exit 0 on success, 2 on bad usage, 1 on failure. */
cliExitCode(
  process.argv.slice(2),
  (line) => console.log(line),
  (line) => console.error(line),
).then((code) => process.exit(code));
