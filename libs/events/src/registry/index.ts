export * from './schema-registry-client';
export * from './schema-registry-error';
