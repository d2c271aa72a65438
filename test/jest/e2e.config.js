module.exports = require('./base.config')('e2e', {
  globalSetup: '<rootDir>/test/jest/global-setup.js',
  globalTeardown: '<rootDir>/test/jest/global-teardown.js',
  // Under CI the broker is the stack's and outlives the run, so a client a suite left connected would keep Jest
  // alive until CI's time limit (seen once) instead of letting the run pass or fail. Jest still names the leak in its
  // log ("Force exiting Jest"); locally the harness stops its own broker, which ends such connections anyway.
  forceExit: process.env.CI === 'true',
  testTimeout: 180_000,
  // e2e suites start brokers and whole services; two at once would starve a two-core machine.
  maxWorkers: 1,
});
