import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * scripts/check-node.cjs runs before `npm run demo`, `npm test`, `npm start` and `npm run dev`: on a Node older than
 * package.json's engines it must stop at once with the way to get Node 24. Run here with the machine's own Node 20
 * (the one a newcomer meets first) and with the Node running the tests.
 */
const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 'check-node.cjs');
const SYSTEM_NODE = '/usr/bin/node';

describe('the Node version check', () => {
  const systemNode = existsSync(SYSTEM_NODE) ? spawnSync(SYSTEM_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  const old = /^v(1[0-9]|2[0-3])\./.test(systemNode);

  (old ? it : it.skip)(`refuses the system Node (${systemNode || 'absent'}) with one sentence and the way to get Node 24`, () => {
    const run = spawnSync(SYSTEM_NODE, [script], { encoding: 'utf8', timeout: 10_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`This project needs Node.js 24.9 or newer, and this is Node ${systemNode.slice(1)};`);
    expect(lines[0]).toContain('`nvm install 24 && nvm use 24`');
    expect(lines[0]).toContain(`npm pack node-${process.platform}-${process.arch}@24.21.0`);
    expect(lines[0]).toContain('export PATH=$PWD/.node/node-v24.21.0/bin:$PATH');
  });

  it('lets the Node running the tests through without a word', () => {
    const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 10_000 });
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe('');
  });

  it('compares major and minor against engines.node', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { isOldEnough } = require(script) as { isOldEnough: (v: string, min: [number, number]) => boolean };
    expect([isOldEnough('24.8.9', [24, 9]), isOldEnough('24.9.0', [24, 9]), isOldEnough('25.0.0', [24, 9])]).toEqual([false, true, true]);
    expect([isOldEnough('v18.20.0', [24, 9]), isOldEnough('20.19.2', [24, 9])]).toEqual([false, false]);
  });
});
