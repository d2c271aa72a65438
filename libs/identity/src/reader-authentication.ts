import { errorMessage } from '@crosscare/errors';
import { ReaderTokenVerifier } from './reader-token-verifier';
import { loadTrustedIssuers, type CrosscareEnvironment } from './trusted-issuers';

/** How a service that takes readers' tokens (the record API, the subscription service) is told to verify them. */
export interface ReaderAuthConfig {
  /** The trusted-issuer list (JSON), loaded and checked at start. */
  readonly trustedIssuersFile: string;
  /** Production refuses development issuers. */
  readonly environment: CrosscareEnvironment;
  /** What a token's `aud` must contain: each service its own. */
  readonly audience: string;
  readonly maxLifetimeSeconds: number;
  readonly clockSkewSeconds: number;
}

/**
 * The verifier a service checks tokens with, from its validated configuration. Loading the list here, at start, means
 * a bad list, a development issuer in production or an unreadable JWKS file stops the service before it serves.
 */
export function readerTokenVerifier(
  auth: ReaderAuthConfig,
  log: { warn(message: string): void },
): ReaderTokenVerifier {
  return new ReaderTokenVerifier({
    issuers: loadTrustedIssuers(auth.trustedIssuersFile, auth.environment),
    audience: auth.audience,
    maxLifetimeSeconds: auth.maxLifetimeSeconds,
    clockSkewSeconds: auth.clockSkewSeconds,
    onKeysUnavailable: (issuer, error) =>
      log.warn(`the keys of token issuer ${issuer} could not be had: ${errorMessage(error)}`),
  });
}
