export * from './config-error';
export * from './database-config';
export * from './kafka-config';
export * from './load-config';
export * from './logging-config';
export * from './redact';
export * from './schema-registry-config';
export * from './variables';
