export * from './errors';
export * from './event-serde';
export * from './subject';
export * from './wire-format';
export * from './record-change-serde';
