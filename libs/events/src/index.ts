export * from './generated/record-changes';
export * from './schemas/avro-schema';
export * from './schemas/load-schema-directory';
export * from './schemas/schema-definition-error';
export * from './registry';
export * from './serde';
export * from './mapping';
export * from './topics';
