import { TestIssuer } from '@crosscare/identity/testing';
import { freePort, TestSchema, uniqueIdentifier } from '@crosscare/testing';
import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { HEADER_KEY_BYTES } from '../access/header-secrets';
import { createSubscriptionsApp } from '../subscriptions-app';
import { DEFAULT_SUBSCRIPTIONS_AUDIENCE, loadSubscriptionsConfig } from '../subscriptions-config';
import { SubscriptionsServices } from '../subscriptions-services';

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever came back
  readonly body: any;
}

export interface SubscriptionsWiring {
  /** KAFKA_* of the cluster the ICS topics are on (a TestKafka's environment). */
  readonly kafka: Readonly<Record<string, string>>;
  readonly schemaRegistryUrl: string;
  /** The topic prefix the ICS topics were created under (ingest's INGEST_TOPIC_PREFIX). */
  readonly topicPrefix: string;
  /** The projector's read model schema, which says who cares for each patient. */
  readonly readModelSchema: string;
}

/**
 * A real subscription service (HTTP on 127.0.0.1) over a real broker, registry and Postgres: its own store schema and
 * consumer group, the read model a test's projector fills, tokens from a test issuer it trusts (in development mode,
 * so that a local receiver's http endpoint is allowed).
 */
export class SubscriptionsUnderTest {
  private constructor(
    readonly url: string,
    readonly app: INestApplication,
    readonly services: SubscriptionsServices,
    readonly issuer: TestIssuer,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start(
    wiring: SubscriptionsWiring,
    env: NodeJS.ProcessEnv = {},
  ): Promise<SubscriptionsUnderTest> {
    const schema = await TestSchema.create('subscriptions');
    const issuer = await TestIssuer.create({
      issuer: 'crosscare-subscriptions-test',
      audience: DEFAULT_SUBSCRIPTIONS_AUDIENCE,
    });
    const keyFile = path.join(issuer.dir, 'header-key');
    writeFileSync(keyFile, randomBytes(HEADER_KEY_BYTES).toString('base64'), { mode: 0o600 });
    const steps: (() => Promise<unknown>)[] = [() => schema.drop(), () => issuer.close()];
    const cleanup = async () => {
      const failures: unknown[] = [];
      for (const step of steps.reverse()) await step().catch((error: unknown) => failures.push(error));
      if (failures.length > 0) throw failures[0];
    };
    try {
      const port = await freePort();
      const config = loadSubscriptionsConfig({
        ...wiring.kafka,
        SCHEMA_REGISTRY_URL: wiring.schemaRegistryUrl,
        DATABASE_URL: schema.databaseUrl,
        DATABASE_POOL_SIZE: '6',
        SUBSCRIPTIONS_PORT: String(port),
        SUBSCRIPTIONS_HOST: '127.0.0.1',
        SUBSCRIPTIONS_DATABASE_SCHEMA: schema.name,
        SUBSCRIPTIONS_READ_MODEL_SCHEMA: wiring.readModelSchema,
        SUBSCRIPTIONS_TOPIC_PREFIX: wiring.topicPrefix,
        SUBSCRIPTIONS_GROUP_ID: uniqueIdentifier('subscriptions').replace(/_/g, '-'),
        SUBSCRIPTIONS_TRUSTED_ISSUERS_FILE: issuer.trustedIssuersFile,
        SUBSCRIPTIONS_HEADER_KEY_FILE: keyFile,
        SUBSCRIPTIONS_DELIVERY_POLL_MS: '100',
        CROSSCARE_ENVIRONMENT: 'development',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        ...env,
      });
      const services = await SubscriptionsServices.start(config);
      steps.push(() => services.stop());
      const app = await createSubscriptionsApp(services);
      await app.listen(port, '127.0.0.1');
      steps.push(() => app.close());
      return new SubscriptionsUnderTest(`http://127.0.0.1:${port}`, app, services, issuer, cleanup);
    } catch (error) {
      await cleanup();
      throw error;
    }
  }

  /** A subscriber system's token: an organisation and a role, from the trusted issuer. */
  token(org: string, role = 'clinician'): string {
    return this.issuer.token({
      org,
      role,
      sub: `system-${org.toLowerCase()}`,
      name: `${org} clinical system`,
    });
  }

  async request(
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/fhir+json';
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // an empty 204
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  close(): Promise<void> {
    return this.cleanup();
  }
}
