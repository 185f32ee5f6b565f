/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  clearMocks: true,
  restoreMocks: true,
  setupFiles: ['<rootDir>/test/helpers/setup-env.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  // `npm test` runs with --coverage: the core the Lambdas, CLI and provider share must stay tested.
  collectCoverageFrom: ['<rootDir>/lambdas/core/**/*.ts', '<rootDir>/client/**/*.ts'],
  coverageReporters: ['text-summary'],
  coverageThreshold: { global: { statements: 94, branches: 86, functions: 91, lines: 95 } },
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // Real servers and processes on a 2-core CI machine: generous per-test time (tests never assert times).
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'], testTimeout: 30_000 },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'], globalSetup: '<rootDir>/test/infra/global-setup.ts' },
    // The packed package as users install it: needs `npm run build` first (`npm test` runs it).
    { ...common, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.test.ts'], testTimeout: 300_000 },
  ],
};
