/**
 * `npm test`: every suite (unit specs beside the code, integration, e2e, browser) against real PostgreSQL and
 * Redis. Global setup creates a database of its own for the run and drops it at the end.
 */
const swc = require('./swc.config');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup/suite-database.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
  // A worker that ran many suites holds a heap of ~1 GB, and a Node process takes ~0.5 s to tear one down after its
  // last suite: past Jest's 500 ms grace, so it printed "a worker process has failed to exit gracefully" although no
  // handle was left open. A worker whose heap passes this after a suite is replaced (a few times per run).
  workerIdleMemoryLimit: '512MB',
  verbose: false,
};
