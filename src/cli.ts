import 'reflect-metadata';
import { describeError, runCli, UsageError, USAGE } from './cli/cli-runner';

/** `npm run cli -- <command>` (or `node dist/src/cli.js <command>`): exit 0 on success, 2 on bad usage, 1 on failure. */
runCli(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`error: ${describeError(err)}`);
    process.exit(1);
  },
);
