import { booleanFlag, type ConfigProblem } from '@crosscare/config';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { parseRegistryUsers, type RegistryUsers } from './registry-users';

export const registryAuthVariables = {
  // Validated by checkRegistryAuth rather than by zod, so that a bad entry is reported without echoing the value.
  SCHEMA_REGISTRY_AUTH_USERS: z.string().optional(),
  SCHEMA_REGISTRY_ALLOW_ANONYMOUS: booleanFlag(false),
};

interface AuthValues {
  readonly SCHEMA_REGISTRY_HOST: string;
  readonly SCHEMA_REGISTRY_AUTH_USERS?: string;
  readonly SCHEMA_REGISTRY_ALLOW_ANONYMOUS: boolean;
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Whether listening on this host keeps the registry off the network. Names other than localhost may be anywhere. */
export function isLoopbackHost(host: string): boolean {
  if (host.toLowerCase() === 'localhost') return true;
  if (isIPv4(host)) return loopback.check(host, 'ipv4');
  if (isIPv6(host)) return loopback.check(host, 'ipv6');
  return false;
}

/**
 * Secure by default: a registry reachable from the network needs users, or an explicit opt-out for deployments
 * whose network does the protecting (the local compose stack publishes its port on 127.0.0.1 only).
 */
export function checkRegistryAuth(v: AuthValues): ConfigProblem[] {
  if (v.SCHEMA_REGISTRY_AUTH_USERS !== undefined) {
    const problems = parseRegistryUsers(v.SCHEMA_REGISTRY_AUTH_USERS).problems.map((reason) => ({
      variable: 'SCHEMA_REGISTRY_AUTH_USERS',
      reason,
    }));
    if (v.SCHEMA_REGISTRY_ALLOW_ANONYMOUS) {
      // Refused rather than guessed at: it could be read as "anonymous callers may read too", which it is not.
      problems.push({
        variable: 'SCHEMA_REGISTRY_ALLOW_ANONYMOUS',
        reason: 'cannot be true when SCHEMA_REGISTRY_AUTH_USERS is set: every caller then needs credentials',
      });
    }
    return problems;
  }
  if (!isLoopbackHost(v.SCHEMA_REGISTRY_HOST) && !v.SCHEMA_REGISTRY_ALLOW_ANONYMOUS) {
    return [
      {
        variable: 'SCHEMA_REGISTRY_AUTH_USERS',
        reason:
          `is required when SCHEMA_REGISTRY_HOST (${v.SCHEMA_REGISTRY_HOST}) is not a loopback address; ` +
          'to serve without authentication anyway, set SCHEMA_REGISTRY_ALLOW_ANONYMOUS=true',
      },
    ];
  }
  return [];
}

/** The users to authenticate, or undefined when authentication is off. Call after checkRegistryAuth passed. */
export function toRegistryUsers(v: AuthValues): RegistryUsers | undefined {
  return v.SCHEMA_REGISTRY_AUTH_USERS === undefined
    ? undefined
    : parseRegistryUsers(v.SCHEMA_REGISTRY_AUTH_USERS).users;
}
