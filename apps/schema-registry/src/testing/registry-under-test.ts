import { TestSchema } from '@crosscare/testing';
import type { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRegistryApp } from '../registry-app';
import { loadRegistryConfig } from '../registry-config';

/** A real registry (HTTP on 127.0.0.1, an ephemeral port) over a given Postgres schema, for integration tests. */
export interface RegistryUnderTest {
  readonly url: string;
  readonly app: INestApplication;
  close(): Promise<void>;
}

/** `env` adds to or overrides the test defaults: SCHEMA_REGISTRY_AUTH_USERS, for example. */
export async function startRegistry(
  databaseUrl: string,
  databaseSchema: string,
  env: NodeJS.ProcessEnv = {},
): Promise<RegistryUnderTest> {
  const config = loadRegistryConfig({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '4',
    SCHEMA_REGISTRY_DATABASE_SCHEMA: databaseSchema,
    SCHEMA_REGISTRY_HOST: '127.0.0.1',
    SCHEMA_REGISTRY_PORT: '8081', // not used: listen(0) below
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...env,
  });
  const app = await createRegistryApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, app, close: () => app.close() };
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

/** A JSON request to the registry, returning status, content type, headers and parsed body. */
export async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever JSON came back
): Promise<{ status: number; type: string; headers: Headers; body: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      accept: 'application/vnd.schemaregistry.v1+json',
      ...(body === undefined ? {} : { 'content-type': 'application/vnd.schemaregistry.v1+json' }),
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
