// Unit tests (src, *.spec.ts, fakes only), integration tests (test, *.int-spec.ts, real Docker) and
// cluster tests (test/cluster, *.cluster-spec.ts, a real three-node swarm).
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json', diagnostics: false }] };
// The API contract from its source, so tests never run against a stale contract/dist.
const moduleNameMapper = { '^@pgsbx/contract$': '<rootDir>/../contract/src/index.ts' };
module.exports = {
  testTimeout: 120000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/src/**/*.spec.ts'],
      transform,
      moduleNameMapper,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      transform,
      moduleNameMapper,
    },
    {
      // Against the three-node DinD swarm (npm run test:cluster brings it up): docs/SWARM.md.
      displayName: 'cluster',
      testEnvironment: 'node',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
      transform,
      moduleNameMapper,
    },
  ],
};
