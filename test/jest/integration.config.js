const os = require('node:os');

// Real Kafka and Postgres, resolved once per run by libs/testing (environment → Docker → local scripts).
module.exports = require('./base.config')('integration', {
  globalSetup: '<rootDir>/test/jest/global-setup.js',
  globalTeardown: '<rootDir>/test/jest/global-teardown.js',
  // Under CI the broker is the stack's and outlives the run, so a client a suite left connected would keep Jest
  // alive until CI's time limit (seen once) instead of letting the run pass or fail. Jest still names the leak in its
  // log ("Force exiting Jest"); locally the harness stops its own broker, which ends such connections anyway.
  forceExit: process.env.CI === 'true',
  testTimeout: 60_000,
  // At least two workers: Jest's default (one fewer than the cores) runs a two-core CI machine's tier in band, and its
  // suites spend most of their time waiting on the broker, Postgres and the processes they start. Suites already
  // share one broker and database by unique names, as they do on any machine with more cores.
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
});
