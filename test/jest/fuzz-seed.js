// Property-based tests (fast-check) run from one seed per run. FUZZ_SEED names it, to replay a failure a run printed;
// under CI, without FUZZ_SEED, the seed is fixed, so a change lands or not on its own merits rather than on the
// inputs a run happened to draw. Elsewhere each run draws new inputs, which is how new faults are found.
const fc = require('fast-check');

const asked = process.env.FUZZ_SEED;
if (asked !== undefined && asked !== '') {
  if (!/^-?\d{1,10}$/.test(asked)) throw new Error(`FUZZ_SEED must be a whole number (got "${asked}")`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(asked) });
} else if (process.env.CI) {
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: 17 });
}
