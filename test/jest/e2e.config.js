module.exports = require('./base.config')('e2e', {
  globalSetup: '<rootDir>/test/jest/global-setup.js',
  globalTeardown: '<rootDir>/test/jest/global-teardown.js',
  testTimeout: 180_000,
  // e2e suites start brokers and whole services; two at once would starve a two-core machine.
  maxWorkers: 1,
});
