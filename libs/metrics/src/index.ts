export * from './catalogue';
export * from './certificate-expiry';
export * from './consumer-lag';
export * from './dead-letters';
export * from './http-metrics';
export * from './process-metrics';
export * from './service-registry';
