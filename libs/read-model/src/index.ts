export * from './migrations/1764200000000-create-read-model';
export * from './migrations/1764200000001-create-read-model-control';
export * from './patient-record-serde';
export * from './read-model-control';
export * from './read-model-database';
export * from './sql';
export * from './stored-patients';
