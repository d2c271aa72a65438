import type { EnvValues } from './load-config';
import { positiveInteger, urlWithProtocols } from './variables';

/**
 * How a service reaches the schema registry. The default is the local stack's registry.
 *
 * Credentials, when the registry needs them, travel as user info in the URL (https://user:password@host): one
 * variable instead of three, and loadConfig already hides the password of any *_URL variable it reports.
 */
export const schemaRegistryVariables = {
  SCHEMA_REGISTRY_URL: urlWithProtocols(['http', 'https'], 'http://127.0.0.1:8081'),
  SCHEMA_REGISTRY_TIMEOUT_MS: positiveInteger(5000, 600_000),
};

export interface SchemaRegistryConfig {
  /** May hold a password: log it only through redactUrl. */
  readonly url: string;
  /** Per request: a registry that hangs must not stall a consumer forever. */
  readonly timeoutMs: number;
}

export function toSchemaRegistryConfig(v: EnvValues<typeof schemaRegistryVariables>): SchemaRegistryConfig {
  return { url: v.SCHEMA_REGISTRY_URL, timeoutMs: v.SCHEMA_REGISTRY_TIMEOUT_MS };
}
