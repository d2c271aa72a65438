export * from './schema-data-source';
