export * from './release-catalogue';
export * from './sde-project';
export * from './pseudonymiser';
export * from './generalise';
export * from './project-row-schema';
export * from './project-row';
export * from './opt-out-policy';
export * from './sde-records';
