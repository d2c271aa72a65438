// Shared by the three test tiers. Tests name their tier in the file suffix: *.unit.spec.ts, *.int.spec.ts,
// *.e2e.spec.ts. ts-jest transpiles only (isolatedModules); `npm run typecheck` checks types once for all.
const { pathsToModuleNameMapper } = require('ts-jest');
const path = require('node:path');
const { compilerOptions } = require('../../tsconfig.json');

const root = path.resolve(__dirname, '..', '..');

module.exports = (tier, overrides = {}) => ({
  displayName: tier,
  rootDir: root,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: [`<rootDir>/{apps,libs,test}/**/*.${tier === 'integration' ? 'int' : tier}.spec.ts`],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.json') }] },
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  reporters: ['default', ['<rootDir>/test/jest/summary-reporter.js', { tier }]],
  ...overrides,
});
