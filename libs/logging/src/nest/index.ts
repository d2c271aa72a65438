export * from './install-logger';
