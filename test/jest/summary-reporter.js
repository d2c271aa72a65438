// Writes each tier's counts to .crosscare/test-results/<tier>.json so .ci/run can print one closing line
// ("tests: N passed, N failed") for the whole run, whichever tiers ran.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  constructor(globalConfig, options = {}) {
    this.tier = options.tier ?? 'tests';
  }

  onRunComplete(_contexts, results) {
    const dir = path.resolve(__dirname, '..', '..', '.crosscare', 'test-results');
    fs.mkdirSync(dir, { recursive: true });
    const summary = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    fs.writeFileSync(path.join(dir, `${this.tier}.json`), JSON.stringify(summary));
  }
}

module.exports = SummaryReporter;
