// Tests within each file run in a shuffled order, so one that passes only after another (its data, its state) fails
// instead of hiding the dependency. Jest prints the order's seed in the run's summary ("Seed: …"); `--seed=<n>`
// replays that order (docs/testing.md, "Test order"). The integration and e2e tiers follow once a shuffled run of
// theirs passes.
module.exports = require('./base.config')('unit', { randomize: true });
