export * from './correlation';
export * from './log-format';
export * from './log-levels';
export * from './log-scan';
export * from './redact';
export * from './service-logger';
