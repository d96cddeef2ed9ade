/** `npm run test:faults`: fault-injection tests (kills, Redis/PostgreSQL outages). Printed figures, run serially. */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
  testTimeout: 300_000,
  reporters: ['default', '<rootDir>/test/faults/lib/figures-reporter.js'],
};
