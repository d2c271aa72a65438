export * from './client-configuration';
export * from './grant-audit';
export * from './grant-store';
export * from './subscriber-access';
export * from './subscriber-grant';
