import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

/**
 * Where SQL may be written (docs/architecture.md «Data access»): repositories, the two declared read models (results'
 * aggregation, reports' data), the database setup and migrations, and the CLI's migrate command. Tests, scripts and
 * benchmarks are outside src and reach the database as they need.
 */
const SQL_ALLOWED = [
  'src/**/*.repository.ts',
  'src/database/**',
  'src/results/aggregation.service.ts',
  'src/results/discussion-figures.ts',
  'src/results/expertise-figures.ts',
  'src/reports/report-data.queries.ts',
  'src/cli/cli-runner.ts',
];
const SQL_HOME = "belongs in the owning module's *.repository.ts or a declared read model (docs/architecture.md «Data access»)";

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'test/*.config.js', 'test/swc.config.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    // user input reaches these regexes: a pattern that can backtrack super-linearly lets one request stall the server
    files: ['src/**/*.ts'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: SQL_ALLOWED,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'typeorm', importNames: ['DataSource', 'Repository'], message: `The DataSource ${SQL_HOME}.` },
            {
              name: '@nestjs/typeorm',
              importNames: ['InjectDataSource', 'InjectEntityManager', 'InjectRepository', 'getDataSourceToken'],
              message: `The DataSource ${SQL_HOME}.`,
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          // m.query(…), this.dataSource.query(…), manager.getRepository(…), ….createQueryBuilder(…); a class's own
          // method called `query` (this.query(…)) is not SQL
          selector:
            "CallExpression[callee.type='MemberExpression'][callee.object.type!='ThisExpression'][callee.property.name=/^(query|getRepository|createQueryBuilder)$/]",
          message: `SQL ${SQL_HOME}.`,
        },
      ],
    },
  },
);
