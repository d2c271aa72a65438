export * from './input-issue';
export * from './record-change-draft';
export * from './avro-date';
export * from './input-text';
