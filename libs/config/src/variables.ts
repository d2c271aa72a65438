import { isIP } from 'node:net';
import { z } from 'zod';

/** Reusable schemas for raw environment strings. Each error message says what a good value looks like. */

export const booleanFlag = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], {
      errorMap: () => ({ message: 'must be true or false' }),
    })
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const positiveInteger = (defaultValue: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .default(String(defaultValue))
    .refine((v) => /^\d+$/.test(v) && Number(v) > 0 && Number(v) <= max, {
      message: `must be a whole number from 1 to ${max}`,
    })
    .transform(Number);

/** A count that may be zero (a cache that may be turned off, a tolerance that may be none). */
export const wholeNumber = (defaultValue: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .default(String(defaultValue))
    .refine((v) => /^\d+$/.test(v) && Number(v) <= max, {
      message: `must be a whole number from 0 to ${max}`,
    })
    .transform(Number);

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export function isHostPort(value: string): boolean {
  const match = HOST_PORT.exec(value);
  if (!match) return false;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535;
}

/** A comma-separated list of host:port pairs, such as KAFKA_BROKERS. */
export const hostPortList = (defaultValue: string) =>
  z
    .string()
    .default(defaultValue)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    )
    .superRefine((list, ctx) => {
      if (list.length === 0)
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must list at least one host:port' });
      for (const entry of list) {
        if (!isHostPort(entry)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `"${entry}" is not host:port (port 1-65535)`,
          });
        }
      }
    });

export const urlWithProtocols = (protocols: readonly string[], defaultValue?: string) => {
  const base = defaultValue === undefined ? z.string() : z.string().default(defaultValue);
  return base.refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}` },
  );
};

export const identifier = (pattern: RegExp, description: string) =>
  z.string().regex(pattern, { message: `must be ${description}` });

/**
 * The address a service listens on. Loopback by default, so that a developer's service is not reachable from the
 * network; containers set 0.0.0.0.
 */
export const listenHost = () =>
  z
    .string()
    .default('127.0.0.1')
    .refine((v) => /^[A-Za-z0-9.:-]+$/.test(v), { message: 'must be a host name or IP address' });

const PORT = {
  check: (v: string) => /^\d+$/.test(v) && Number(v) <= 65535,
  message: 'must be a port number (0 for any)',
};

/** A port a service listens on; 0 asks for any free one (tests). */
export const listenPort = (defaultValue: number) =>
  z.string().default(String(defaultValue)).refine(PORT.check, { message: PORT.message }).transform(Number);

/** A port a service listens on whose default depends on other settings: undefined when unset. */
export const optionalListenPort = () =>
  z.string().refine(PORT.check, { message: PORT.message }).transform(Number).optional();

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Which proxies in front of an HTTP service may say who the client is (X-Forwarded-For), for audit records that name
 * the client's address rather than the gateway's. Unset: none, the socket's peer is the client. A hop count, or a
 * comma list of addresses, CIDR subnets and Express's names (loopback, linklocal, uniquelocal). Never "true":
 * trusting every hop lets any client write its own address into the audit trail.
 */
export const trustedProxies = () =>
  z
    .string()
    .optional()
    .refine(
      (v) =>
        v === undefined ||
        /^\d{1,2}$/.test(v.trim()) ||
        v.split(',').every((entry) => isProxyAddress(entry.trim())),
      {
        message:
          'must be a hop count or a comma list of proxy addresses, CIDR subnets or loopback / linklocal / uniquelocal (never "true": any client could then set its own address)',
      },
    )
    .transform((v) => {
      if (v === undefined) return undefined;
      if (/^\d{1,2}$/.test(v.trim())) return Number(v.trim());
      return v.split(',').map((entry) => entry.trim());
    });
