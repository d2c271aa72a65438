import { errorMessage } from '@crosscare/errors';
import { ChangelogSerde, SEQUENCE_HEADER } from '@crosscare/read-model';
import { patientOfChangelogKey } from '@crosscare/projection';
import {
  checkKafkaVariables,
  configOrExit,
  kafkaVariables,
  loadConfig,
  schemaRegistryVariables,
  toKafkaConfig,
  toSchemaRegistryConfig,
} from '@crosscare/config';
import { changelogTopic, EventSerde, recordAccessAuditTopic, SchemaRegistryClient } from '@crosscare/events';
import { ADT_FIXTURE_NHS_NUMBERS } from '@crosscare/hl7v2/testing';
import { createKafka, readFromStart } from '@crosscare/kafka';
import { signDevelopmentToken } from '@crosscare/identity';
import {
  developmentIssuerDirectories,
  envWithRegistryCredentials,
  REGISTRY_TOOLS,
  stackPaths,
} from '@crosscare/local-stack';
import type { Provenance } from '@crosscare/projection';
import { randomUUID } from 'node:crypto';
import type { RecordAccessed } from '../../apps/record-api/src/audit/record-accessed';
import {
  AUDIT_NAMESPACE,
  RECORD_ACCESSED_SCHEMA,
} from '../../apps/record-api/src/audit/record-accessed-schema';

/**
 * npm run demo's last step: one patient's shared record, assembled from both collaboratives. The patient is the one
 * `npm run ingest:demo` just sent through ingest — a FHIR Condition from a GP practice in Birmingham and Solihull
 * (CCR) and an HL7 v2 admission from an acute trust in Staffordshire and Stoke-on-Trent (OHC) — shown as the CCR
 * record API serves it, with the changelog records it came through and the audit event of the read.
 */
async function main(): Promise<void> {
  const config = configOrExit('record:demo', () =>
    loadConfig(
      { ...kafkaVariables, ...schemaRegistryVariables },
      (v) => ({ kafka: toKafkaConfig(v), registry: toSchemaRegistryConfig(v) }),
      envWithRegistryCredentials(process.env, stackPaths(), REGISTRY_TOOLS),
      checkKafkaVariables,
    ),
  );
  const recordApi = process.env.RECORD_API_URL ?? 'http://127.0.0.1:8085';
  const prefix = process.env.INGEST_TOPIC_PREFIX;
  const nhsNumber = ADT_FIXTURE_NHS_NUMBERS.alice;
  const kafka = createKafka(config.kafka, { defaultClientId: 'crosscare-record-demo' });
  const registry = new SchemaRegistryClient(config.registry);

  step(`waiting for patient ${nhsNumber} on both collaboratives' changelogs`);
  const changelog = new ChangelogSerde(registry, { register: false });
  const logs = await readFromStart(kafka, {
    topics: ['CCR', 'OHC'].map((c) => changelogTopic(c, prefix)),
    reader: 'crosscare-record-demo',
    keep: async ({ topic, partition, message }) => {
      const key = message.key?.toString() ?? '';
      if (patientOfChangelogKey(key) !== nhsNumber) return undefined;
      const read = await changelog.decode(key, message.value, message.headers?.[SEQUENCE_HEADER]?.toString());
      return { topic, partition, offset: message.offset, key, read };
    },
    until: (found) =>
      new Set(found.flatMap((f) => (f.read.type === 'head' ? [f.read.head.collaborative] : []))).size === 2,
    timeoutMs: 60_000,
  });
  // Item-level: each change publishes the items it changed, then the patient's head.
  console.table(
    logs.map(({ topic, offset, partition, key, read }) => ({
      topic,
      partition,
      offset,
      key,
      sequence: read.type === 'head' ? read.head.sequence : read.sequence,
      message:
        read.type === 'head'
          ? `head: ${read.head.itemCount} item(s)`
          : read.type === 'item'
            ? `${read.event.header.eventType} (${read.event.header.providerOdsCode})`
            : 'tombstone',
    })),
  );

  // Signed by the stack's development issuer, which the local record API trusts (CROSSCARE_ENVIRONMENT=development).
  const token = await signDevelopmentToken(
    { sub: 'demo-clinician', name: 'Dr Demo Clinician', role: 'clinician', org: 'RHA' },
    { secretsDir: developmentIssuerDirectories(stackPaths()).secretsDir, lifetimeSeconds: 300 },
  );
  const correlationId = `record-demo-${randomUUID()}`;
  // The remote view follows the other side's changelog within moments; until it holds the patient, try again.
  let body: RecordView | undefined;
  for (let attempt = 1; attempt <= 20; attempt++) {
    const response = await fetch(`${recordApi}/patients/${nhsNumber}/record`, {
      headers: {
        authorization: `Bearer ${token}`,
        'x-purpose-of-use': 'DIRECT_CARE',
        'x-correlation-id': correlationId,
      },
    });
    if (response.status !== 200 && response.status !== 404)
      throw new Error(`the record API answered ${response.status}: ${await response.text()}`);
    body = response.status === 200 ? ((await response.json()) as RecordView) : undefined;
    if (body && new Set(body.sources.map((s) => s.collaborative)).size === 2) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!body) throw new Error(`the record API does not know ${nhsNumber} yet`);
  step(
    `GET ${recordApi}/patients/${nhsNumber}/record (X-Purpose-Of-Use: DIRECT_CARE), as Dr Demo Clinician (RHA):`,
  );
  const sections = Object.entries(body).filter(
    ([name]) => !['sources', 'mergedFrom', 'nhsNumber', 'requestedNhsNumber', 'mergedInto'].includes(name),
  );
  const rows = sections.flatMap(([name, value]) =>
    entriesOf(value).map((entry) => ({ section: name, ...describe(entry) })),
  );
  console.table(rows);
  step(`sources: ${body.sources.map((s) => `${s.collaborative} sequence ${s.sequence}`).join(', ')}`);

  const audit = new EventSerde<{ RecordAccessed: RecordAccessed }>({
    registry,
    schemas: { RecordAccessed: RECORD_ACCESSED_SCHEMA },
    namespace: AUDIT_NAMESPACE,
  });
  const audited = await readFromStart(kafka, {
    topics: [recordAccessAuditTopic(prefix)],
    reader: 'crosscare-record-demo',
    keep: async ({ message }) => {
      if (!message.value) return undefined;
      const { event } = await audit.decode(message.value);
      return event.correlationId === correlationId ? event : undefined;
    },
    until: (found) => found.length > 0,
    timeoutMs: 30_000,
  });
  step(`the audit trail of those reads, from ${recordAccessAuditTopic(prefix)} (no audit event, no data):`);
  console.table(
    audited.map((a) => ({
      when: new Date(a.occurredAt).toISOString(),
      user: `${a.user.name} (${a.user.id})`,
      role: a.user.role,
      organisation: a.organisationOdsCode,
      purpose: a.purposeOfUse,
      patient: a.nhsNumber,
      outcome: a.outcome,
      sequences: a.sources.map((s) => `${s.collaborative}#${s.sequence}`).join(' '),
    })),
  );
}

interface RecordView {
  readonly sources: { collaborative: string; sequence: number }[];
  readonly [section: string]: unknown;
}

/** The entries of a section: a list, one entry, or nested (medications, social care, an encounter's two parts). */
function entriesOf(value: unknown): Entry[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(entriesOf);
  if ('provenance' in value) return [value as Entry];
  return Object.values(value).flatMap(entriesOf);
}

type Entry = { provenance?: Provenance; [field: string]: unknown };

/** What a clinician would call the entry: its coded concept's term, else its kind. */
function describe(entry: Entry) {
  const coded = ['code', 'substance', 'medication', 'vaccine', 'reason', 'specialty', 'category', 'service']
    .map((field) => entry[field] as { display?: string | null; code?: string } | undefined)
    .find((c) => c && typeof c === 'object' && c.display);
  const kind = ['title', 'involvementType', 'encounterClass', 'practiceOdsCode', 'dnacprDecision']
    .map((field) => entry[field])
    .find((v): v is string => typeof v === 'string');
  const p = entry.provenance;
  return {
    item: coded?.display ?? coded?.code ?? kind ?? p?.eventType ?? '',
    from: p ? `${p.providerName ?? p.providerOdsCode} (${p.providerOdsCode})` : '',
    ics: p?.ics ?? '',
    collaborative: p?.collaborative ?? '',
    source: p ? `${p.sourceRecordId} v${p.sourceRecordVersion}` : '',
  };
}

function step(message: string): void {
  process.stdout.write(`▸ ${message}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`record:demo: ${errorMessage(error)}\n`);
  process.exit(1);
});
