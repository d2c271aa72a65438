const os = require('node:os');

// At least two workers: Jest's default (one fewer than the cores) runs a two-core CI machine's unit tier in band, on
// one core, while the other idles; pure logic keeps both busy.
module.exports = require('./base.config')('unit', { maxWorkers: Math.max(2, os.availableParallelism() - 1) });
