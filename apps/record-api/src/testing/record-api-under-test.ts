import {
  encodeRecordItem,
  openReadModel,
  PatientRecordStore,
  RemoteViewStore,
  type ReadChangelogMessage,
  type StoredItemWrite,
} from '@crosscare/read-model';
import {
  EventSerde,
  recordAccessAuditTopic,
  accessAlertTopic,
  registerContractSchemas,
  SchemaRegistryClient,
  type RecordChangeEvent,
} from '@crosscare/events';
import { TestIssuer } from '@crosscare/identity/testing';
import type { Provider } from '@crosscare/governance';
import { itemKindOf, partOf, projectEvent, type ItemKind, type PatientRecord } from '@crosscare/projection';
import { testEvents } from '@crosscare/projection/testing';
import { readFromStart } from '@crosscare/kafka';
import {
  databaseUrlFromEnvironment,
  startTestRegistry,
  TestKafka,
  TestSchema,
  testKafkaEnvironment,
  uniqueIdentifier,
  uniqueName,
} from '@crosscare/testing';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { AccessAlertRaised } from '../audit/access-alert';
import type { RecordAccessed } from '../audit/record-accessed';
import { AUDIT_NAMESPACE, RECORD_API_AUDIT_SCHEMAS } from '../audit/record-accessed-schema';
import { createRecordApiApp } from '../record-api-app';
import { loadRecordApiConfig } from '../record-api-config';
import { RecordApiServices } from '../record-api-services';

const ISSUER = 'crosscare-test';

export interface AuditedRead {
  readonly key: string | null;
  readonly partition: number;
  readonly event: RecordAccessed;
}

export interface RaisedAlert {
  readonly key: string | null;
  readonly event: AccessAlertRaised;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever came back
  readonly body: any;
  readonly text: string;
}

/**
 * A real record API (HTTP on 127.0.0.1, an ephemeral port) over a real broker, registry and Postgres, reading a CCR
 * read model of its own (the projector's migration, in a private schema) that the test fills with INSERTs, and
 * auditing to an audit topic of its own (a unique prefix). A reader taps the audit topic from the start.
 */
export class RecordApiUnderTest {
  private constructor(
    readonly url: string,
    readonly app: INestApplication,
    readonly services: RecordApiServices,
    /** The read model, for the test to write as the projector would; its schema is also its name. */
    readonly readModel: DataSource,
    readonly readModelName: string,
    readonly auditTopic: string,
    readonly kafka: TestKafka,
    /** The identity provider the service trusts (its only issuer): tests forge bad tokens with it. */
    readonly issuer: TestIssuer,
    private readonly audited: AuditedRead[],
    private readonly alerts: RaisedAlert[],
    private readonly serde: AuditSerde,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start(env: NodeJS.ProcessEnv = {}): Promise<RecordApiUnderTest> {
    const registry = await startTestRegistry('record_api');
    // A test that takes its database down (TestDatabase) passes that database's DATABASE_URL: the read model goes there.
    const schema = await TestSchema.create(
      'record_api_ccr',
      env.DATABASE_URL ?? databaseUrlFromEnvironment(),
    );
    const kafka = new TestKafka(
      // Another cluster (a fault test's own broker) comes with its own connection variables.
      env.KAFKA_BROKERS ? { ...testKafkaEnvironment(), ...testKafkaEnvironment(env) } : undefined,
    );
    const issuer = await TestIssuer.create({ issuer: ISSUER });
    const prefix = uniqueIdentifier('record_api').replace(/_/g, '-');
    const auditTopic = recordAccessAuditTopic(prefix);
    const alertTopic = accessAlertTopic(prefix);
    const steps: (() => Promise<unknown>)[] = [
      () => registry.close(),
      () => schema.drop(),
      () => kafka.cleanup(),
      () => issuer.close(),
    ];
    const cleanup = async () => {
      // Every step even when one fails, so nothing leaks; the first failure is reported.
      const failures: unknown[] = [];
      for (const step of steps.reverse()) await step().catch((error: unknown) => failures.push(error));
      if (failures.length > 0) throw failures[0];
    };
    try {
      const config = loadRecordApiConfig({
        ...kafka.environment,
        SCHEMA_REGISTRY_URL: registry.url,
        DATABASE_URL: schema.databaseUrl,
        DATABASE_POOL_SIZE: '4',
        RECORD_API_PORT: '0',
        RECORD_API_COLLABORATIVE: 'CCR',
        RECORD_API_DATABASE_SCHEMA: schema.name,
        RECORD_API_TOPIC_PREFIX: prefix,
        RECORD_API_TRUSTED_ISSUERS_FILE: issuer.trustedIssuersFile,
        RECORD_API_AUDIT_TIMEOUT_MS: '3000',
        // Suites read hundreds of records as one test user from one address: only the throttling tests (which set
        // their own limits) should meet a limit.
        RECORD_API_USER_REQUESTS_PER_MINUTE: '100000',
        RECORD_API_USER_BURST: '100000',
        RECORD_API_ORGANISATION_REQUESTS_PER_MINUTE: '1000000',
        RECORD_API_ORGANISATION_BURST: '1000000',
        RECORD_API_BAD_TOKENS_PER_MINUTE: '100000',
        RECORD_API_BAD_TOKENS_BURST: '100000',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        ...env,
      });
      // The admin/CI principal's part: the record API only looks its audit schema up.
      await registerContractSchemas(new SchemaRegistryClient({ url: registry.url }));
      const readModel = await openReadModel(config.database, schema.name, 'crosscare-record-api-test');
      steps.push(() => readModel.destroy());
      const services = await RecordApiServices.start(config);
      steps.push(() => services.stop());
      steps.push(async () =>
        (await kafka.connectedAdmin()).deleteTopics({ topics: [auditTopic, alertTopic] }),
      );
      const app = await createRecordApiApp(services);
      await app.listen(0, '127.0.0.1');
      steps.push(() => app.close());
      const { port } = (app.getHttpServer() as Server).address() as AddressInfo;

      const serde: AuditSerde = new EventSerde<{
        RecordAccessed: RecordAccessed;
        AccessAlertRaised: AccessAlertRaised;
      }>({
        registry: new SchemaRegistryClient({ url: registry.url }),
        schemas: RECORD_API_AUDIT_SCHEMAS,
        namespace: AUDIT_NAMESPACE,
      });
      const audited: AuditedRead[] = [];
      const alerts: RaisedAlert[] = [];
      const tap = await kafka.consumer(uniqueIdentifier('audit_tap'));
      steps.push(() => kafka.close(tap));
      await tap.subscribe({ topics: [auditTopic, alertTopic], fromBeginning: true });
      await tap.run({
        eachMessage: async ({ topic, partition, message }) => {
          const decoded = await serde.decode(message.value!);
          const key = message.key?.toString() ?? null;
          if (topic === alertTopic && decoded.type === 'AccessAlertRaised')
            alerts.push({ key, event: decoded.event });
          else if (decoded.type === 'RecordAccessed') audited.push({ key, partition, event: decoded.event });
        },
      });
      return new RecordApiUnderTest(
        `http://127.0.0.1:${port}`,
        app,
        services,
        readModel,
        schema.name,
        auditTopic,
        kafka,
        issuer,
        audited,
        alerts,
        serde,
        cleanup,
      );
    } catch (error) {
      await cleanup();
      throw error;
    }
  }

  /** A reader's token from the service's trusted issuer; claims may be overridden, or removed with undefined. */
  token(claims: Record<string, unknown> = {}): string {
    return this.issuer.token(claims);
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
    const response = await fetch(`${this.url}${path}`, { headers });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: tests read the text
    }
    return { status: response.status, headers: response.headers, body, text };
  }

  /** The audit events of one request, by correlation id: waits for `expected`, then a moment for any extra. */
  async auditedReads(correlationId: string, expected = 1, settleMs = 500): Promise<AuditedRead[]> {
    const matching = () => this.audited.filter((read) => read.event.correlationId === correlationId);
    const deadline = Date.now() + 20_000;
    while (matching().length < expected && Date.now() < deadline) await sleep(25);
    if (matching().length < expected)
      throw new Error(
        `expected ${expected} audit event(s) for ${correlationId}, received ${matching().length}`,
      );
    await sleep(settleMs);
    return matching();
  }

  /**
   * The access alerts raised by one request, by correlation id: waits for `expected`, then a moment for any extra
   * (so `expected` 0 proves none came).
   */
  async alertsFor(correlationId: string, expected = 1, settleMs = 500): Promise<AccessAlertRaised[]> {
    const matching = () => this.alerts.filter((a) => a.event.correlationId === correlationId);
    const deadline = Date.now() + 20_000;
    while (matching().length < expected && Date.now() < deadline) await sleep(25);
    if (matching().length < expected)
      throw new Error(`expected ${expected} alert(s) for ${correlationId}, received ${matching().length}`);
    await sleep(settleMs);
    return matching().map((a) => a.event);
  }

  /**
   * Every audit event on the audit topic as it stands now, read from offset 0 by a consumer of its own (read_committed):
   * for a test whose broker went away, which the suite's long-lived tap may not have survived.
   */
  async auditTopicNow(): Promise<AuditedRead[]> {
    return readFromStart(this.kafka.kafka, {
      topics: [this.auditTopic],
      reader: 'audit-reader',
      keep: async ({ partition, message }) => {
        const decoded = await this.serde.decode(message.value!);
        return decoded.type === 'RecordAccessed'
          ? { key: message.key?.toString() ?? null, partition, event: decoded.event }
          : undefined;
      },
      until: 'end-offsets',
      timeoutMs: 30_000,
    });
  }

  /** Messages ever written to the audit topic: unchanged across a request means it wrote nothing. */
  async auditOffsets(): Promise<number> {
    const offsets = await (await this.kafka.connectedAdmin()).fetchTopicOffsets(this.auditTopic);
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  }

  close(): Promise<void> {
    return this.cleanup();
  }
}

type AuditSerde = EventSerde<{ RecordAccessed: RecordAccessed; AccessAlertRaised: AccessAlertRaised }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A QHL GP practice's problem for the patient, stored in the read model: the practice's clinicians then have a
 * relationship with the patient (CARE_PROVIDER), so their reads are served whenever the service can serve any.
 */
export async function storeGpProblem(
  api: RecordApiUnderTest,
  nhsNumber: string,
): Promise<{ gp: Provider; problem: RecordChangeEvent }> {
  const gp = api.services.directory.providers({ ics: 'QHL', type: 'GP_PRACTICE' })[0];
  const problem = testEvents.ProblemRecorded({
    header: {
      providerOdsCode: gp.odsCode,
      ics: gp.ics,
      collaborative: gp.collaborative,
      nhsNumber,
      sourceRecordId: uniqueName('gp-problem'),
    },
  });
  await storeLocalRecord(api.readModel, nhsNumber, 1, [problem]);
  return { gp, problem };
}

/**
 * Stores the events in a read model as the projector would: the patient row (with its sequence), and the items
 * through the projector's own store (PatientRecordStore.writeItems), so they carry what its writes carry (the search
 * index among it). Items are stored under `nhsNumber` whatever number their events name.
 */
export async function storeLocalRecord(
  readModel: DataSource,
  nhsNumber: string,
  sequence: number,
  events: readonly RecordChangeEvent[],
  mergedInto: string | null = null,
): Promise<void> {
  await readModel.query(
    `insert into patient (nhs_number, sequence, merged_into) values ($1, $2, $3)
     on conflict (nhs_number) do update set sequence = excluded.sequence, merged_into = excluded.merged_into`,
    [nhsNumber, sequence, mergedInto],
  );
  const writes: StoredItemWrite[] = events.flatMap((event) => {
    const projected = projectEvent(event);
    if (projected.outcome !== 'items') throw new Error(`${event.header.eventType} is not an item to store`);
    return projected.writes.map((write) => ({
      ...write,
      item: write.removed ? null : encodeRecordItem(event),
    }));
  });
  const survivors = new Map(events.map((event) => [event.header.nhsNumber, nhsNumber]));
  for (let i = 0; i < writes.length; i += WRITE_CHUNK)
    await readModel.transaction((tx) =>
      new PatientRecordStore().writeItems(tx, writes.slice(i, i + WRITE_CHUNK), survivors),
    );
}

/** Items per statement: the projector's batches are about this size. */
const WRITE_CHUNK = 1_000;

/** Stores the other collaborative's record of a patient in a read model, as its changelog would have delivered it. */
export async function storeRemoteRecord(readModel: DataSource, record: PatientRecord): Promise<void> {
  const { nhsNumber, sequence } = record;
  const items: ReadChangelogMessage[] = record.items.map((event) => ({
    type: 'item',
    nhsNumber,
    sequence,
    key: {
      providerOdsCode: event.header.providerOdsCode,
      sourceRecordId: event.header.sourceRecordId,
      part: partOf(event.header.eventType) as string,
    },
    kind: itemKindOf(event.header.eventType) as ItemKind,
    event,
    storedItem: encodeRecordItem(event),
  }));
  const head: ReadChangelogMessage = {
    type: 'head',
    head: { ...record, itemCount: record.items.length, changeItems: record.items.length },
  };
  await readModel.transaction((tx) => new RemoteViewStore().apply(tx, [...items, head]));
}
