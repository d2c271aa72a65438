export * from './opt-out-changed';
export * from './opt-outs-message';
export * from './opt-out-state';
export * from './ndop-file';
export * from './ndop-import-plan';
export * from './type-1-objection';
