import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { envValue } from './env';
import { LocalApp } from './local-app';
import type { StackPaths } from './paths';

export const DEFAULT_RECORD_API_PORT = 8085;

export const RECORD_API_APP = new LocalApp({
  name: 'record-api',
  label: 'record API',
  sources: [
    'apps/record-api/src',
    ...[
      'config',
      'errors',
      'events',
      'kafka',
      'governance',
      'fhir',
      'hl7v2',
      'projection',
      'read-model',
      'database',
    ].map((lib) => `libs/${lib}/src`),
  ],
  // Readiness (database up, the CCR projector's read model created), not mere liveness.
  healthPath: '/health',
  portFlag: '--record-api-port',
});

/** Where the local stack keeps the record API's development JWT secret, under its run folder. */
export const recordApiJwtSecretFile = (paths: StackPaths): string =>
  path.join(paths.run, 'record-api-jwt-secret');

/**
 * The local stack's DEVELOPMENT signing key for readers' tokens, never a production one: CROSSCARE_RECORD_API_JWT_SECRET
 * when set, else a random one generated on first use and kept (owner-only) under the stack's run folder, so tokens
 * minted by `record-api:token` stay valid across restarts and no shared key is written in the repository.
 */
export function localRecordApiJwtSecret(paths: StackPaths): string {
  const given = envValue('CROSSCARE_RECORD_API_JWT_SECRET');
  if (given) return given;
  const file = recordApiJwtSecretFile(paths);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(paths.run, { recursive: true });
  const secret = `crosscare-local-development-only-${randomBytes(32).toString('hex')}`;
  // wx: two commands generating at once keep the first key rather than invalidating each other's tokens.
  try {
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return fs.readFileSync(file, 'utf8').trim();
  }
  return secret;
}

/** What the local record API is wired to: the rest of the stack, reading the CCR projector's read model. */
export interface RecordApiWiring {
  readonly port: number;
  /** KAFKA_* variables connecting as the service's own principal (localKafkaEnvironment). */
  readonly kafka: Readonly<Record<string, string>>;
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
  readonly jwtSecret: string;
  readonly topicPrefix?: string;
  /** The CCR projector's read model schema, which it reads. */
  readonly readModelSchema: string;
}

export function recordApiEnvironment(wiring: RecordApiWiring): Record<string, string> {
  return {
    ...wiring.kafka,
    SCHEMA_REGISTRY_URL: wiring.schemaRegistryUrl,
    DATABASE_URL: wiring.databaseUrl,
    RECORD_API_HOST: '127.0.0.1',
    RECORD_API_PORT: String(wiring.port),
    RECORD_API_COLLABORATIVE: 'CCR',
    RECORD_API_DATABASE_SCHEMA: wiring.readModelSchema,
    RECORD_API_JWT_SECRET: wiring.jwtSecret,
    RECORD_API_JWT_ISSUER: 'crosscare-local',
    ...(wiring.topicPrefix ? { RECORD_API_TOPIC_PREFIX: wiring.topicPrefix } : {}),
  };
}
