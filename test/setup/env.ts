// Runs in every test worker before its suites: make sure nothing falls back to the developer's own database.
if (!process.env.TEST_RUN_ID || !process.env.DATABASE_URL?.includes('/dp_test_')) {
  throw new Error('tests must run through jest global setup (npm test), which creates their own database');
}
