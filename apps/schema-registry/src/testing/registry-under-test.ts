import { TestSchema } from '@crosscare/testing';
import type { INestApplication } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRegistryApp } from '../registry-app';
import { loadRegistryConfig } from '../registry-config';

/**
 * A real registry (HTTP on 127.0.0.1, an ephemeral port) over a given Postgres schema, for integration tests. It
 * authenticates, as every registry does: a writer `test-admin` with a random password is always among its users.
 */
export interface RegistryUnderTest {
  /** The admin's URL, credentials as user info: what SchemaRegistryClient, call() and services take. */
  readonly url: string;
  /** The same registry without credentials: an anonymous caller's. */
  readonly baseUrl: string;
  /** The writer's name and password, for clients that take them apart (@kafkajs/confluent-schema-registry). */
  readonly admin: { readonly username: string; readonly password: string };
  readonly app: INestApplication;
  close(): Promise<void>;
}

export const TEST_ADMIN = 'test-admin';

/** `env` adds to the test defaults: more SCHEMA_REGISTRY_AUTH_USERS (test-admin is added), for example. */
export async function startRegistry(
  databaseUrl: string,
  databaseSchema: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RegistryUnderTest> {
  const admin = { username: TEST_ADMIN, password: randomBytes(18).toString('base64url') };
  const users = [env.SCHEMA_REGISTRY_AUTH_USERS, authUserEntry(admin.username, 'writer', admin.password)];
  const config = loadRegistryConfig({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '4',
    SCHEMA_REGISTRY_DATABASE_SCHEMA: databaseSchema,
    SCHEMA_REGISTRY_HOST: '127.0.0.1',
    SCHEMA_REGISTRY_PORT: '8081', // not used: listen(0) below
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...env,
    SCHEMA_REGISTRY_AUTH_USERS: users.filter((u) => u !== undefined && u.trim() !== '').join(','),
  });
  const app = await createRegistryApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: withUserInfo(baseUrl, admin.username, admin.password),
    baseUrl,
    admin,
    app,
    close: () => app.close(),
  };
}

/** The URL with the credentials as user info, each part percent-encoded. */
export function withUserInfo(url: string, name: string, password: string): string {
  const withUser = new URL(url);
  withUser.username = encodeURIComponent(name);
  withUser.password = encodeURIComponent(password);
  return withUser.toString().replace(/\/$/, '');
}

/** A registry with a Postgres schema of its own (so it starts empty); close() stops it and drops the schema. */
export interface IsolatedRegistry extends RegistryUnderTest {
  readonly db: TestSchema;
}

export async function startIsolatedRegistry(
  kind: string,
  env: NodeJS.ProcessEnv = {},
): Promise<IsolatedRegistry> {
  const db = await TestSchema.create(kind);
  try {
    const registry = await startRegistry(db.databaseUrl, db.name, env);
    return {
      ...registry,
      db,
      close: async () => {
        await registry.close();
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/** An `Authorization: Basic` header, for call(). */
export function basicAuth(name: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}` };
}

/** A SCHEMA_REGISTRY_AUTH_USERS entry for a password, hashed as the docs tell operators to. */
export function authUserEntry(name: string, role: 'reader' | 'writer', password: string): string {
  return `${name}:${role}:${createHash('sha256').update(password).digest('hex')}`;
}

/**
 * A JSON request to the registry, returning status, content type, headers and parsed body. User info in `url`
 * becomes an Authorization header (fetch refuses URLs with credentials), unless `headers` carry their own.
 */
export async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON came back
): Promise<{ status: number; type: string; headers: Headers; body: any }> {
  const base = new URL(url);
  const userInfo =
    base.username === ''
      ? {}
      : basicAuth(decodeURIComponent(base.username), decodeURIComponent(base.password));
  base.username = '';
  base.password = '';
  const response = await fetch(`${base.toString().replace(/\/$/, '')}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.schemaregistry.v1+json',
      ...(body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' }),
      ...userInfo,
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // raw bodies stay text
  }
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, headers: response.headers, body: parsed };
}
