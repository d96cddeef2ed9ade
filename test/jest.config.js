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
  verbose: false,
};
