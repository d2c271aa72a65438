export * from './schema-data-source';
export * from './advisory-leadership';
export * from './source-cluster';
export * from './relay-loop';
export * from './consumed-positions';
