export * from './eventually';
export * from './infrastructure';
export * from './names';
export * from './test-kafka';
export * from './test-principals';
export * from './test-registry';
export * from './test-schema';
export * from './thrown';
