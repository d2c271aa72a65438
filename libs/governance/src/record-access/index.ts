export * from './purpose-of-use';
export * from './record-sections';
export * from './access-roles';
export * from './load-access-roles';
export * from './legitimate-relationship';
export * from './record-access-decision';
