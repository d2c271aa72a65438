// Real Kafka and Postgres, resolved once per run by libs/testing (environment → Docker → local scripts).
module.exports = require('./base.config')('integration', {
  globalSetup: '<rootDir>/test/jest/global-setup.js',
  globalTeardown: '<rootDir>/test/jest/global-teardown.js',
  testTimeout: 60_000,
});
