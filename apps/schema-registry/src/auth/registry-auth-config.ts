import { booleanFlag, type ConfigProblem } from '@crosscare/config';
import { z } from 'zod';
import { readRegistryUsersFile } from './registry-users-file';
import { parseRegistryUsers, type RegistryUsers } from './registry-users';

export const registryAuthVariables = {
  // Validated by checkRegistryAuth rather than by zod, so that a bad entry is reported without echoing the value.
  SCHEMA_REGISTRY_AUTH_USERS: z.string().optional(),
  SCHEMA_REGISTRY_AUTH_USERS_FILE: z.string().optional(),
  SCHEMA_REGISTRY_ALLOW_ANONYMOUS: booleanFlag(false),
};

interface AuthValues {
  readonly SCHEMA_REGISTRY_AUTH_USERS?: string;
  readonly SCHEMA_REGISTRY_AUTH_USERS_FILE?: string;
  readonly SCHEMA_REGISTRY_ALLOW_ANONYMOUS: boolean;
}

/**
 * Secure by default, whatever the host: the registry needs users (SCHEMA_REGISTRY_AUTH_USERS, and/or a users file
 * it re-reads as entries are added and removed), or the explicit insecure opt-in SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true
 * for debugging, which main.ts logs as a warning at start.
 */
export function checkRegistryAuth(v: AuthValues): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (v.SCHEMA_REGISTRY_AUTH_USERS !== undefined) {
    for (const reason of parseRegistryUsers(v.SCHEMA_REGISTRY_AUTH_USERS).problems) {
      problems.push({ variable: 'SCHEMA_REGISTRY_AUTH_USERS', reason });
    }
  }
  if (v.SCHEMA_REGISTRY_AUTH_USERS_FILE !== undefined) {
    const file = readRegistryUsersFile(v.SCHEMA_REGISTRY_AUTH_USERS_FILE);
    for (const reason of file.problems)
      problems.push({ variable: 'SCHEMA_REGISTRY_AUTH_USERS_FILE', reason });
  }
  const hasUsers =
    v.SCHEMA_REGISTRY_AUTH_USERS !== undefined || v.SCHEMA_REGISTRY_AUTH_USERS_FILE !== undefined;
  if (hasUsers && v.SCHEMA_REGISTRY_ALLOW_ANONYMOUS) {
    // Refused rather than guessed at: it could be read as "anonymous callers may read too", which it is not.
    problems.push({
      variable: 'SCHEMA_REGISTRY_ALLOW_ANONYMOUS',
      reason:
        'cannot be true when SCHEMA_REGISTRY_AUTH_USERS or SCHEMA_REGISTRY_AUTH_USERS_FILE is set: every caller ' +
        'then needs credentials',
    });
  }
  if (!hasUsers && !v.SCHEMA_REGISTRY_ALLOW_ANONYMOUS) {
    problems.push({
      variable: 'SCHEMA_REGISTRY_AUTH_USERS',
      reason:
        'is required: the registry authenticates every caller (name:role:sha256hex entries, or a file of them in ' +
        'SCHEMA_REGISTRY_AUTH_USERS_FILE); to serve without authentication anyway, for debugging only, set ' +
        'SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true',
    });
  }
  return problems;
}

/** The users from the environment, or undefined when none are given. Call after checkRegistryAuth passed. */
export function toRegistryUsers(v: AuthValues): RegistryUsers | undefined {
  return v.SCHEMA_REGISTRY_AUTH_USERS === undefined
    ? undefined
    : parseRegistryUsers(v.SCHEMA_REGISTRY_AUTH_USERS).users;
}
