module.exports = require('./base.config')('unit');
