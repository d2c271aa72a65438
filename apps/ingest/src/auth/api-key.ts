import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Provider API keys look like `cck_<key id>_<secret>`: the key id (16 hex) finds the row, the secret (32 random
 * bytes, base64url) proves possession. Only SHA-256 of the secret is stored. A slow password hash (scrypt, argon2)
 * buys nothing here: the secret is 256 random bits, not a guessable password, and a fast hash keeps every request
 * cheap.
 */
export interface ApiKey {
  readonly keyId: string;
  readonly secret: string;
}

const KEY_PATTERN = /^cck_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function generateApiKey(): ApiKey & { readonly token: string } {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, secret, token: `cck_${keyId}_${secret}` };
}

/** null when the token is not shaped like a Crosscare key (so it is certainly not one). */
export function parseApiKey(token: string): ApiKey | null {
  const match = KEY_PATTERN.exec(token.trim());
  return match ? { keyId: match[1], secret: match[2] } : null;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant time, so response timing does not reveal how much of a guessed secret was right. */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const candidate = hashSecret(secret);
  return candidate.length === storedHash.length && timingSafeEqual(candidate, storedHash);
}

/**
 * Where a request carries its key: `Authorization: Bearer <key>` (preferred) or `X-API-Key: <key>`. Returns the raw
 * token, or null when neither header is present.
 */
export function apiKeyFromHeaders(headers: Record<string, string | string[] | undefined>): string | null {
  const authorization = first(headers['authorization']);
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match ? match[1] : authorization;
  }
  return first(headers['x-api-key']) ?? null;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
