// Shared by the three test tiers. Tests name their tier in the file suffix: *.unit.spec.ts, *.int.spec.ts,
// *.e2e.spec.ts. ts-jest transpiles only (isolatedModules); `npm run typecheck` checks types once for all.
const { pathsToModuleNameMapper } = require('ts-jest');
const path = require('node:path');
const { compilerOptions } = require('../../tsconfig.json');

const root = path.resolve(__dirname, '..', '..');
/** Dependencies that ship ES modules only (the SDE export's Parquet writer and the reader it is built on). */
const ESM_ONLY = ['hyparquet', 'hyparquet-writer'];

module.exports = (tier, overrides = {}) => ({
  displayName: tier,
  rootDir: root,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: [`<rootDir>/{apps,libs,test}/**/*.${tier === 'integration' ? 'int' : tier}.spec.ts`],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.json') }],
    // Packages published as ES modules only: outside Jest, Node 20 requires them as they are (require(esm)); Jest's
    // own module system cannot, so they are turned into CommonJS here, as our TypeScript is.
    [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  setupFiles: ['<rootDir>/test/jest/fuzz-seed.js'],
  reporters: ['default', ['<rootDir>/test/jest/summary-reporter.js', { tier }]],
  ...overrides,
});
