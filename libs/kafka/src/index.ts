export * from './kafka-client';
export * from './kafka.module';
export * from './log-creator';
export * from './offsets';
export * from './record-producer';
export * from './topic-reader';
export * from './topics';
export * from './transactional-publisher';
