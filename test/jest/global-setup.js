// Jest loads globalSetup outside its module system, where the @crosscare/* path aliases do not resolve;
// tsx's register hook resolves them from tsconfig.json.
require('tsx/cjs/api').register();
module.exports = require('../../libs/testing/src/jest/global-setup.ts').default;
