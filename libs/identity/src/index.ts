export * from './development-issuer';
export * from './reader-token-verifier';
export * from './trusted-issuers';
export * from './bearer-token';
export * from './reader-authentication';
