export * from './crosscare-error';
export * from './error-message';
export * from './retriable';
