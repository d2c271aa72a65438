import { canonicalOdsCode } from '@crosscare/governance';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Who is reading a record, as their token says: what every audit event records. */
export interface Reader {
  readonly userId: string;
  readonly name: string;
  /** A national RBAC code or a role name, as the issuer writes it. */
  readonly role: string;
  /** ODS code of the reader's organisation, uppercase. */
  readonly organisationOdsCode: string;
}

/** The claims of a reader's token. exp, iat and nbf are seconds since the epoch (RFC 7519 NumericDate). */
export interface ReaderClaims {
  readonly sub: string;
  readonly name: string;
  readonly role: string;
  readonly org: string;
  readonly iss: string;
  readonly exp: number;
  readonly iat?: number;
  readonly nbf?: number;
}

export interface TokenVerification {
  readonly secret: Buffer;
  readonly issuer: string;
  /** Epoch ms. */
  readonly now: number;
  /** Tolerated disagreement between the issuer's clock and ours; default 60. */
  readonly clockSkewSeconds?: number;
}

export type TokenCheck =
  { readonly ok: true; readonly reader: Reader } | { readonly ok: false; readonly reason: string };

export const DEFAULT_CLOCK_SKEW_SECONDS = 60;

const HEADER = { alg: 'HS256', typ: 'JWT' } as const;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ODS_CODE = /^[A-Za-z0-9]{3,10}$/;
/** Claims end up in every audit event; an unbounded name would let one token bloat the audit trail. */
const MAX_CLAIM_LENGTH = 200;

/** The token of an `Authorization: Bearer <token>` header; undefined for any other scheme or none. */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** A compact HS256 JWT (for the token CLI and tests; readers' tokens come from the organisation's issuer). */
export function signReaderToken(claims: ReaderClaims, secret: Buffer): string {
  const signingInput = `${base64url(JSON.stringify(HEADER))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${hmac(signingInput, secret).toString('base64url')}`;
}

/**
 * Checks a reader's token: HS256 only, signature before anything in the payload is believed, then issuer, expiry
 * (required) and not-before, each with the clock skew allowed, then the claims an audit event needs. Reasons never
 * repeat the token.
 */
export function verifyReaderToken(token: string, options: TokenVerification): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part)))
    return refused('the token is not a compact JWT (three base64url parts)');
  const [encodedHeader, encodedPayload, encodedSignature] = parts;

  const header = parseJsonObject(encodedHeader);
  // Only the algorithm we hold a key for: "none" or RS256 must never reach a verification with the HMAC key.
  if (header?.alg !== HEADER.alg) return refused('the token must be signed with HS256');
  if (header.typ !== undefined && header.typ !== HEADER.typ) return refused('the token is not a JWT');

  const expected = hmac(`${encodedHeader}.${encodedPayload}`, options.secret);
  const given = Buffer.from(encodedSignature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return refused('the token signature is not valid');

  const claims = parseJsonObject(encodedPayload);
  if (!claims) return refused('the token payload is not a JSON object');
  if (claims.iss !== options.issuer) return refused('the token was not issued by the expected issuer');

  const nowSeconds = options.now / 1000;
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
    return refused('the token has no expiry (exp)');
  if (nowSeconds > claims.exp + skew) return refused('the token has expired');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || nowSeconds + skew < claims.nbf))
    return refused('the token is not valid yet (nbf)');

  const missing = (['sub', 'name', 'role', 'org'] as const).filter((claim) => !isClaimText(claims[claim]));
  if (missing.length > 0)
    return refused(
      `the token lacks ${missing.join(', ')} (each a text of 1 to ${MAX_CLAIM_LENGTH} characters)`,
    );
  const org = claims.org as string;
  if (!ODS_CODE.test(org)) return refused('the token org claim is not an ODS code');

  return {
    ok: true,
    reader: {
      userId: claims.sub as string,
      name: claims.name as string,
      role: claims.role as string,
      organisationOdsCode: canonicalOdsCode(org),
    },
  };
}

function refused(reason: string): TokenCheck {
  return { ok: false, reason };
}

function isClaimText(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= MAX_CLAIM_LENGTH;
}

function parseJsonObject(encoded: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function hmac(signingInput: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
