import {
  createRecordChangeSerde,
  optOutTopic,
  recordChangeTopic,
  registerContractSchemas,
  SchemaRegistryClient,
  type RecordChangeEvent,
  type RecordChangeSerde,
} from '@crosscare/events';
import { ICS_CODES, type IcsCode, type Provider, type ProviderType } from '@crosscare/governance';
import {
  testKafkaEnvironment,
  startTestRegistry,
  TestKafka,
  TestSchema,
  uniqueIdentifier,
  type TestRegistry,
} from '@crosscare/testing';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIngestApp } from '../ingest-app';
import { loadIngestConfig } from '../ingest-config';
import { IngestServices } from '../ingest-services';
import { MllpGateway } from '../mllp/mllp-gateway';

/**
 * A real ingest (HTTP and MLLP on 127.0.0.1, ephemeral ports) over a real broker, registry and Postgres, with its own
 * topics (a unique prefix), ledger schema, registry and transactional id: suites never see each other's events.
 */
export interface IngestUnderTest {
  readonly url: string;
  readonly mllpPort: number;
  readonly app: INestApplication;
  readonly services: IngestServices;
  readonly registry: TestRegistry;
  readonly kafka: TestKafka;
  /** A provider of the directory, by type (and ICS), for tests to send as. */
  provider(type: ProviderType, ics?: IcsCode): Provider;
  readonly serde: RecordChangeSerde;
  topic(ics: IcsCode): string;
  /** The opt-out topic under the suite's prefix (compacted, 3 partitions), where GP practices' type 1 objections go. */
  readonly optOutTopic: string;
  /** An API key for the provider, issued through the real credential store. */
  credentialFor(odsCode: string): Promise<string>;
  /**
   * The committed events on the topic (those of one request when `correlationId` is given): waits for `expected`,
   * then a moment longer, so that an extra event would be caught too.
   */
  events(
    topic: string,
    expected: number,
    options?: { correlationId?: string; settleMs?: number },
  ): Promise<ReceivedEvent[]>;
  /**
   * Offsets ever written to the topic (committed, aborted or markers), once everything accepted so far is published:
   * 0 means nothing reached the broker.
   */
  offsetsWritten(topic: string): Promise<number>;
  close(): Promise<void>;
}

export interface ReceivedEvent {
  readonly key: string | null;
  readonly partition: number;
  readonly headers: Record<string, string>;
  readonly event: RecordChangeEvent;
}

export async function startIngest(kind: string, env: NodeJS.ProcessEnv = {}): Promise<IngestUnderTest> {
  const registry = await startTestRegistry(`ingest_${kind}`);
  const db = await TestSchema.create(`ingest_${kind}`);
  const kafka = new TestKafka(
    // Another cluster (a fault test's own broker) comes with its own connection variables.
    env.KAFKA_BROKERS ? { ...testKafkaEnvironment(), ...testKafkaEnvironment(env) } : undefined,
  );
  const prefix = uniqueIdentifier(`ingest_${kind}`).replace(/_/g, '-');
  try {
    const client = new SchemaRegistryClient({ url: registry.url });
    await registerContractSchemas(client);
    for (const ics of ICS_CODES)
      await kafka.createTopic({ name: recordChangeTopic(ics, prefix), partitions: 3 });
    await kafka.createTopic({
      name: optOutTopic(prefix),
      partitions: 3,
      config: { 'cleanup.policy': 'compact', 'retention.ms': '-1' },
    });

    const config = loadIngestConfig({
      ...kafka.environment,
      SCHEMA_REGISTRY_URL: registry.url,
      DATABASE_URL: db.databaseUrl,
      DATABASE_POOL_SIZE: '8',
      INGEST_DATABASE_SCHEMA: db.name,
      INGEST_TOPIC_PREFIX: prefix,
      INGEST_RELAY_ID: `${prefix}-relay`,
      INGEST_RELAY_INTERVAL_MS: '100',
      INGEST_PORT: '0',
      INGEST_MLLP_PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...env,
    });
    const services = await IngestServices.start(config);
    const app = await createIngestApp(services);
    await app.listen(0, '127.0.0.1');
    const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
    const serde = createRecordChangeSerde(new SchemaRegistryClient({ url: registry.url }));
    const mllp = app.get(MllpGateway);

    // One reader for the whole suite, on every ICS topic from the start (read_committed, kafkajs's default): tests
    // look up their request's events by correlation id instead of each paying for a consumer group join.
    const tapped: (ReceivedEvent & { topic: string })[] = [];
    const tap = await kafka.consumer(uniqueIdentifier('tap'));
    await tap.subscribe({
      topics: ICS_CODES.map((ics) => recordChangeTopic(ics, prefix)),
      fromBeginning: true,
    });
    await tap.run({
      eachMessage: async ({ topic, partition, message }) => {
        tapped.push({
          topic,
          key: message.key?.toString() ?? null,
          partition,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          event: (await serde.decode(message.value!)).event,
        });
      },
    });

    return {
      url: `http://127.0.0.1:${port}`,
      mllpPort: mllp?.port() ?? 0,
      app,
      services,
      registry,
      kafka,
      serde,
      topic: (ics) => recordChangeTopic(ics, prefix),
      optOutTopic: optOutTopic(prefix),
      provider(type, ics) {
        const found = services.directory.providers({ type, ics })[0];
        if (!found) throw new Error(`no ${type} provider${ics ? ` in ${ics}` : ''} in the directory`);
        return found;
      },
      credentialFor: async (odsCode) => (await services.credentials.issue(odsCode, 'test')).token,
      async events(topic, expected, { correlationId, settleMs = 750 } = {}) {
        // An accepted request is published by the relay a moment later: everything accepted so far reaches the
        // broker first, so that a count already met by earlier tests' events cannot end the wait before this one's.
        if (!(await services.relay.publishAccepted(20_000)))
          throw new Error('the outbox was not published within 20 s');
        const matching = () =>
          tapped.filter(
            (e) =>
              e.topic === topic &&
              (correlationId === undefined || e.headers['crosscare-correlation-id'] === correlationId),
          );
        const deadline = Date.now() + 20_000;
        while (matching().length < expected && Date.now() < deadline) await sleep(25);
        if (matching().length < expected)
          throw new Error(`expected ${expected} event(s) on ${topic}, received ${matching().length}`);
        await sleep(settleMs);
        return matching();
      },
      async offsetsWritten(topic) {
        // Everything accepted so far published first: a count taken while the relay is still publishing an earlier
        // request would move under the test.
        if (!(await services.relay.publishAccepted(20_000)))
          throw new Error('the outbox was not published within 20 s');
        const admin = await kafka.connectedAdmin();
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.reduce((n, o) => n + Number(o.high), 0);
      },
      async close() {
        // Every step even when one fails (a test that killed the broker makes Kafka steps fail), so nothing leaks.
        const steps = [
          () => kafka.close(tap),
          () => app.close(),
          () => services.stop(),
          () => kafka.cleanup(),
          () => db.drop(),
          () => registry.close(),
        ];
        const failures: unknown[] = [];
        for (const step of steps) await step().catch((error: unknown) => failures.push(error));
        if (failures.length > 0) throw failures[0];
      },
    };
  } catch (error) {
    await kafka.cleanup();
    await db.drop();
    await registry.close();
    throw error;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HttpAnswer {
  readonly status: number;
  readonly type: string;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever came back
  readonly body: any;
  readonly text: string;
}

/** One request to ingest; JSON bodies are sent as FHIR JSON unless a content type is given. */
export async function send(
  url: string,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    contentType?: string;
    correlationId?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.correlationId) headers['x-correlation-id'] = options.correlationId;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/fhir+json';
  const response = await fetch(`${url}${path}`, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // ER7 and CSV stay text
  }
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    headers: response.headers,
    body,
    text,
  };
}

/** What an accepted FHIR answer says about each event (from an OperationOutcome receipt). */
export interface ReceiptLine {
  readonly eventId: string;
  readonly eventType: string;
  readonly text: string;
}

interface OutcomeJson {
  issue?: { details?: { coding?: { code?: string; display?: string }[]; text?: string } }[];
}

export function receiptLines(outcome: unknown): ReceiptLine[] {
  return ((outcome as OutcomeJson | undefined)?.issue ?? [])
    .filter((i) => i.details?.coding?.[0])
    .map((i) => ({
      eventId: i.details!.coding![0].code ?? '',
      eventType: i.details!.coding![0].display ?? '',
      text: i.details!.text ?? '',
    }));
}

interface BundleJson {
  type?: string;
  entry?: { response?: { status?: string; outcome?: unknown } }[];
}

/** Each response entry of a transaction- or batch-response: its status line and the events it published. */
export function responseEntries(bundle: unknown): { status: string; events: ReceiptLine[] }[] {
  return ((bundle as BundleJson | undefined)?.entry ?? []).map((e) => ({
    status: e.response?.status ?? '',
    events: receiptLines(e.response?.outcome),
  }));
}
