import { createHash, timingSafeEqual } from 'node:crypto';
import type { RegistryUser } from './registry-users';
import type { UserDirectory } from './registry-users-file';

export interface BasicCredentials {
  readonly name: string;
  readonly password: string;
}

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/** The user and password of an `Authorization: Basic ...` header (RFC 7617); undefined for anything else. */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | undefined {
  const match = header === undefined ? null : BASIC.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  // The user name ends at the first colon; the password may contain more.
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

// Compared against when the user is unknown, so that an unknown name costs the same time as a wrong password.
const NO_USER_HASH = Buffer.alloc(32);

/** The user the header authenticates, or undefined: unknown user, wrong password or not Basic at all. */
export function authenticate(header: string | undefined, users: UserDirectory): RegistryUser | undefined {
  const credentials = parseBasicAuthorization(header);
  if (!credentials) return undefined;
  const user = users.get(credentials.name);
  const offered = createHash('sha256').update(credentials.password, 'utf8').digest();
  const matches = timingSafeEqual(offered, user?.passwordSha256 ?? NO_USER_HASH);
  return matches && user ? user : undefined;
}
