export * from './opt-out-serde';
export * from './opt-out-topic';
export * from './ndop-import';
export * from './opt-out-status';
