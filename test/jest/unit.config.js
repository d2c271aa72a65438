const os = require('node:os');

// At least two workers: Jest's default (one fewer than the cores) runs a two-core CI machine's unit tier in band, on
// one core, while the other idles; pure logic keeps both busy.
// Tests within each file run in a shuffled order, so one that passes only after another (its data, its state) fails
// instead of hiding the dependency. Jest prints the order's seed in the run's summary ("Seed: …"); `--seed=<n>`
// replays that order (docs/testing.md, "Test order"). The integration and e2e tiers follow once a shuffled run of
// theirs passes.
module.exports = require('./base.config')('unit', {
  maxWorkers: Math.max(2, os.availableParallelism() - 1),
  randomize: true,
});
