// Three projects, so a newcomer can run the fast ones alone (`npx jest --selectProjects unit`):
//  - unit:        pure logic, no servers;
//  - workflow:    the workflow code on Temporal's time-skipping test server (days pass in milliseconds);
//  - replay:      recorded histories replayed against today's workflow code (determinism);
//  - integration: the real Temporal dev server and the real Kafka broker, started once by globalSetup.
// Type checking is done by `tsc --noEmit` in the test command, so ts-jest only transpiles here.
// PGlite's CommonJS build imports Node built-ins with import(), which jest's module system refuses
// without --experimental-vm-modules: test/support/node-import-transform.js turns those into require().
// `syllable` (the respect check's syllable counter) is ES modules only: test/support/esm-to-cjs-transform.js.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  '@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/test/support/node-import-transform.js',
  'node_modules/syllable/.+\\.js$': '<rootDir>/test/support/esm-to-cjs-transform.js',
};
const common = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!(@electric-sql/pglite|syllable)/)'],
  moduleFileExtensions: ['ts', 'js', 'cjs', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'workflow', testMatch: ['<rootDir>/test/workflow/**/*.test.ts'] },
    { ...common, displayName: 'replay', testMatch: ['<rootDir>/test/replay/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
  // Real servers on 2 cores: one test file at a time keeps timings honest and ports free.
  maxWorkers: 1,
  testTimeout: 120_000,
  // The Temporal SDK's native runtime keeps handles open after every worker and connection is closed;
  // without this jest waits for them forever after the last test.
  forceExit: true,
};
