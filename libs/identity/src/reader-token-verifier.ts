import { errorMessage } from '@crosscare/errors';
import { canonicalOdsCode } from '@crosscare/governance';
import * as fs from 'node:fs';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWK,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import {
  JWS_ALGORITHMS,
  mayVouchFor,
  ODS_CODE_CLAIM,
  type JwsAlgorithm,
  type TrustedIssuer,
  TrustedIssuersError,
} from './trusted-issuers';

/** Who is reading a record, as a trusted issuer's token says: what every audit event records. */
export interface Reader {
  readonly userId: string;
  readonly name: string;
  /** A national RBAC code or a role name, as the issuer writes it. */
  readonly role: string;
  /** ODS code of the reader's organisation, uppercase. */
  readonly organisationOdsCode: string;
  /** The `iss` that vouched for the reader. */
  readonly issuer: string;
}

/** What an unverified token claimed, for the audit of a refusal; each value capped at 200 chars, absent when not text. */
export interface ClaimedIdentity {
  readonly userId?: string;
  readonly name?: string;
  readonly role?: string;
  readonly organisationOdsCode?: string;
  readonly issuer?: string;
}

export type TokenCheck =
  | { readonly ok: true; readonly reader: Reader }
  | { readonly ok: false; readonly reason: string; readonly claimed: ClaimedIdentity };

export const DEFAULT_AUDIENCE = 'crosscare-record-api';
export const DEFAULT_MAX_LIFETIME_SECONDS = 3600;
export const DEFAULT_CLOCK_SKEW_SECONDS = 60;
/** How long a JWKS fetch may take before the read is refused. */
export const DEFAULT_JWKS_TIMEOUT_MS = 5000;
/** A file JWKS is re-read at most this often, when a kid is unknown or the copy is older than this. */
export const DEFAULT_FILE_REFRESH_MS = 30_000;

export interface ReaderTokenVerifierOptions {
  readonly issuers: readonly TrustedIssuer[];
  /** What `aud` must contain. */
  readonly audience?: string;
  /** The longest `exp - iat` accepted: a stolen token is useful for no longer than this. */
  readonly maxLifetimeSeconds?: number;
  /** Tolerated disagreement between an issuer's clock and ours, on exp, nbf and iat. */
  readonly clockSkewSeconds?: number;
  /** Epoch ms; Date.now by default. */
  readonly clock?: () => number;
  readonly jwksTimeoutMs?: number;
  readonly fileRefreshMs?: number;
  /** A URL JWKS: after this long it is fetched again (default 10 min); an unknown kid refetches after the cooldown. */
  readonly remoteCacheMaxAgeMs?: number;
  readonly remoteCooldownMs?: number;
  /** Told why an issuer's keys could not be had (the caller only learns that they could not). */
  readonly onKeysUnavailable?: (issuer: string, error: unknown) => void;
}

/** What a JWKS resolves a token's key to. */
type VerificationKey = KeyLike | Uint8Array | JWK;

/** Claims end up in every audit event; an unbounded name would let one token bloat the audit trail. */
const MAX_CLAIM_LENGTH = 200;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const READER_CLAIMS = ['sub', 'name', 'role', 'org'] as const;

/**
 * Checks readers' bearer tokens as an NHS CIS2-style identity provider issues them: compact JWS, RS256 or ES256,
 * from an issuer on the trusted list, signed by a key of that issuer's JWKS (by kid), for this service (aud), short
 * lived, naming a reader of an organisation the issuer may vouch for. The algorithm and issuer are checked before
 * any key is touched. Never throws: every fault is a refusal with a short reason that never repeats the token.
 */
export class ReaderTokenVerifier {
  private readonly issuers: ReadonlyMap<string, IssuerKeys>;
  private readonly audience: string;
  private readonly maxLifetimeSeconds: number;
  private readonly clockSkewSeconds: number;
  private readonly clock: () => number;

  constructor(options: ReaderTokenVerifierOptions) {
    this.audience = options.audience ?? DEFAULT_AUDIENCE;
    this.maxLifetimeSeconds = options.maxLifetimeSeconds ?? DEFAULT_MAX_LIFETIME_SECONDS;
    this.clockSkewSeconds = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
    this.clock = options.clock ?? Date.now;
    this.issuers = new Map(
      options.issuers.map((issuer) => [issuer.issuer, new IssuerKeys(issuer, options, this.clock)]),
    );
  }

  /** The issuers trusted, for the start-up log. */
  get trustedIssuers(): string[] {
    return [...this.issuers.keys()];
  }

  async verify(token: string): Promise<TokenCheck> {
    if (!COMPACT_JWS.test(token))
      return refused('the token is not a compact JWS (three base64url parts)', {});
    const [encodedHeader, encodedPayload] = token.split('.');
    const header = jsonObjectOf(encodedHeader);
    const payload = jsonObjectOf(encodedPayload);
    const claimed = claimedIdentityOf(payload);
    if (!header || !payload) return refused('the token header or payload is not a JSON object', claimed);

    // Before any key is used: "none" and HMAC (keyed with a public key, the confusion attack) never get further.
    const alg = header.alg;
    if (!isJwsAlgorithm(alg))
      return refused(`the token must be signed with ${JWS_ALGORITHMS.join(' or ')}`, claimed);
    if (typeof payload.iss !== 'string') return refused('the token names no issuer (iss)', claimed);
    const issuer = this.issuers.get(payload.iss);
    if (!issuer) return refused('the token issuer is not trusted', claimed);
    if (!issuer.trusted.algorithms.includes(alg))
      return refused(`the token issuer does not sign with ${alg}`, claimed);
    if (typeof header.kid !== 'string' || header.kid.length === 0)
      return refused('the token header names no key (kid)', claimed);

    let key: VerificationKey;
    try {
      key = await issuer.keyFor({ alg, kid: header.kid });
    } catch (error) {
      return refused(issuer.keyProblem(error), claimed);
    }

    let verified: JWTPayload;
    try {
      ({ payload: verified } = await jwtVerify(token, key, {
        algorithms: [alg],
        issuer: issuer.trusted.issuer,
        audience: this.audience,
        clockTolerance: this.clockSkewSeconds,
        currentDate: new Date(this.clock()),
        requiredClaims: ['exp', 'iat'],
      }));
    } catch (error) {
      return refused(verificationProblem(error), claimed);
    }
    return this.reader(verified, issuer.trusted, claimed);
  }

  /** Checks jose leaves to us: the token's lifetime, iat not in the future, and the reader's claims. */
  private reader(payload: JWTPayload, issuer: TrustedIssuer, claimed: ClaimedIdentity): TokenCheck {
    const { exp, iat } = payload as { exp: number; iat: number };
    if (iat > this.clock() / 1000 + this.clockSkewSeconds)
      return refused('the token was issued in the future (iat)', claimed);
    if (exp - iat > this.maxLifetimeSeconds)
      return refused(`the token lives longer than ${this.maxLifetimeSeconds} s (exp - iat)`, claimed);

    const missing = READER_CLAIMS.filter((claim) => !isClaimText(payload[claim]));
    if (missing.length > 0)
      return refused(
        `the token lacks ${missing.join(', ')} (each a text of 1 to ${MAX_CLAIM_LENGTH} characters)`,
        claimed,
      );
    const org = payload.org as string;
    if (!ODS_CODE_CLAIM.test(org)) return refused('the token org claim is not an ODS code', claimed);
    const organisationOdsCode = canonicalOdsCode(org);
    if (!mayVouchFor(issuer, organisationOdsCode))
      return refused(`the token issuer may not vouch for organisation ${organisationOdsCode}`, claimed);
    return {
      ok: true,
      reader: {
        userId: payload.sub as string,
        name: payload.name as string,
        role: payload.role as string,
        organisationOdsCode,
        issuer: issuer.issuer,
      },
    };
  }
}

/** One trusted issuer's keys: a JWKS file re-read now and then, or a URL jose fetches and caches. */
class IssuerKeys {
  private readonly remote?: JWTVerifyGetKey;
  private local?: { keys: JWTVerifyGetKey; readAt: number; modified: number };

  constructor(
    readonly trusted: TrustedIssuer,
    private readonly options: ReaderTokenVerifierOptions,
    private readonly clock: () => number,
  ) {
    if ('url' in trusted.jwks) {
      this.remote = createRemoteJWKSet(trusted.jwks.url, {
        timeoutDuration: options.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS,
        ...(options.remoteCooldownMs === undefined ? {} : { cooldownDuration: options.remoteCooldownMs }),
        ...(options.remoteCacheMaxAgeMs === undefined ? {} : { cacheMaxAge: options.remoteCacheMaxAgeMs }),
      });
    } else {
      // Read now, so that a missing or broken file stops the start rather than every read.
      try {
        this.local = this.readFile(trusted.jwks.file);
      } catch (error) {
        throw new TrustedIssuersError(
          trusted.jwks.file,
          [
            {
              element: '(file)',
              reason: `cannot be used as issuer ${trusted.issuer}'s keys: ${errorMessage(error)}`,
            },
          ],
          'JWKS',
        );
      }
    }
  }

  async keyFor(header: { alg: JwsAlgorithm; kid: string }): Promise<VerificationKey> {
    if (this.remote) return this.remote(header, undefined as never);
    const file = (this.trusted.jwks as { file: string }).file;
    this.refreshFile(file, false);
    try {
      return await this.local!.keys(header, undefined as never);
    } catch (error) {
      // An unknown kid may be a key the operator has just added: read the file again (not more than the limit).
      if (!(error instanceof errors.JWKSNoMatchingKey) || !this.refreshFile(file, true)) throw error;
      return this.local!.keys(header, undefined as never);
    }
  }

  /** The reason a read is given when no key could be had; the detail goes to the operator. */
  keyProblem(error: unknown): string {
    if (error instanceof errors.JWKSNoMatchingKey)
      return "the token key (kid) is not one of its issuer's keys";
    if (error instanceof errors.JWKSMultipleMatchingKeys)
      return "the token key (kid) is ambiguous in its issuer's keys";
    this.options.onKeysUnavailable?.(this.trusted.issuer, error);
    return error instanceof errors.JWKSTimeout
      ? "the token issuer's keys could not be fetched in time"
      : "the token issuer's keys could not be fetched";
  }

  /**
   * Re-reads the file when it changed and the copy is older than the refresh interval (or, forced by an unknown
   * kid, whether or not it seems changed); true when a new copy was taken. A file that has become unreadable keeps
   * the last good copy: an operator's half-finished edit must not lock every reader out.
   */
  private refreshFile(file: string, unknownKid: boolean): boolean {
    const now = this.clock();
    const local = this.local!;
    if (now - local.readAt < (this.options.fileRefreshMs ?? DEFAULT_FILE_REFRESH_MS)) return false;
    try {
      const modified = fs.statSync(file).mtimeMs;
      if (!unknownKid && modified === local.modified) {
        local.readAt = now;
        return false;
      }
      this.local = this.readFile(file);
      return true;
    } catch (error) {
      local.readAt = now;
      this.options.onKeysUnavailable?.(this.trusted.issuer, error);
      return false;
    }
  }

  private readFile(file: string): { keys: JWTVerifyGetKey; readAt: number; modified: number } {
    const modified = fs.statSync(file).mtimeMs;
    const jwks = JSON.parse(fs.readFileSync(file, 'utf8')) as JSONWebKeySet;
    if (!Array.isArray(jwks?.keys)) throw new Error(`${file} is not a JWKS (no "keys" array)`);
    return { keys: createLocalJWKSet(jwks), readAt: this.clock(), modified };
  }
}

function verificationProblem(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `the token has no ${error.claim} claim`;
    switch (error.claim) {
      case 'aud':
        return 'the token is not for this service (aud)';
      case 'nbf':
        return 'the token is not valid yet (nbf)';
      case 'iss':
        return 'the token issuer is not trusted';
      default:
        return `the token ${error.claim} claim is not valid`;
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature is not valid';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token algorithm is not allowed';
  return 'the token is not a valid JWT';
}

function refused(reason: string, claimed: ClaimedIdentity): TokenCheck {
  return { ok: false, reason, claimed };
}

function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && (JWS_ALGORITHMS as readonly string[]).includes(value);
}

function isClaimText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_CLAIM_LENGTH;
}

function claimedIdentityOf(payload: Record<string, unknown> | undefined): ClaimedIdentity {
  if (!payload) return {};
  const text = (value: unknown) =>
    typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_CLAIM_LENGTH) : undefined;
  const claimed = {
    userId: text(payload.sub),
    name: text(payload.name),
    role: text(payload.role),
    organisationOdsCode: text(payload.org),
    issuer: text(payload.iss),
  };
  return Object.fromEntries(Object.entries(claimed).filter(([, value]) => value !== undefined));
}

function jsonObjectOf(encoded: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
