export * from './token-buckets';
export * from './refusal-watch';
