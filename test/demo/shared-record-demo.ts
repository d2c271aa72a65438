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
import {
  accessAlertTopic,
  changelogTopic,
  EventSerde,
  recordAccessAuditTopic,
  SchemaRegistryClient,
} from '@crosscare/events';
import { loadProviderDirectory } from '@crosscare/governance';
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
import type { AccessAlertRaised } from '../../apps/record-api/src/audit/access-alert';
import {
  AUDIT_NAMESPACE,
  RECORD_API_AUDIT_SCHEMAS,
} from '../../apps/record-api/src/audit/record-accessed-schema';

/**
 * npm run demo's last step: one patient's shared record, assembled from both collaboratives. The patient is the one
 * `npm run ingest:demo` just sent through ingest — a FHIR Condition and a reasonable adjustment flag from a GP
 * practice in Birmingham and Solihull (CCR), an HL7 v2 admission and full blood count and a discharge summary from an
 * acute trust in Staffordshire and Stoke-on-Trent (OHC) — shown, the flag first, as the CCR record API serves it to
 * the GP practice caring for the patient, with the changelog records it came through; then the same read refused to a
 * trust that has no relationship with the patient, and served to it when its clinician breaks the glass; and the
 * audit events of the three reads and the privacy officer's alert.
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

  // Readers' tokens are signed by the stack's development issuer, which the local record API trusts
  // (CROSSCARE_ENVIRONMENT=development). The GP practice that sent the Condition is caring for the patient: the record
  // API sees that in the record itself (relationship CARE_PROVIDER, or REGISTERED_GP when a registration names it).
  const directory = loadProviderDirectory();
  const gp = directory.providers({ type: 'GP_PRACTICE', ics: 'QHL' })[0];
  // A trust in another ICS that has never seen the patient: no relationship, until it breaks the glass.
  const stranger = directory.providers({ type: 'ACUTE_TRUST', ics: 'QWU' })[0];
  const secretsDir = developmentIssuerDirectories(stackPaths()).secretsDir;
  const tokenFor = (sub: string, name: string, org: string) =>
    signDevelopmentToken({ sub, name, role: 'clinician', org }, { secretsDir, lifetimeSeconds: 300 });
  const gpToken = await tokenFor('demo-gp', 'Dr Demo Practitioner', gp.odsCode);
  const strangerToken = await tokenFor('demo-ed', 'Dr Demo Emergency', stranger.odsCode);
  const correlationIds: string[] = [];
  const read = async (token: string, headers: Record<string, string>) => {
    const correlationId = `record-demo-${randomUUID()}`;
    correlationIds.push(correlationId);
    const response = await fetch(`${recordApi}/patients/${nhsNumber}/record`, {
      headers: { authorization: `Bearer ${token}`, 'x-correlation-id': correlationId, ...headers },
    });
    return { status: response.status, body: (await response.json()) as RecordView & ProblemView };
  };

  // The remote view follows the other side's changelog within moments; until it holds the patient, try again.
  let body: RecordView | undefined;
  for (let attempt = 1; attempt <= 20; attempt++) {
    const answer = await read(gpToken, { 'x-purpose-of-use': 'DIRECT_CARE' });
    if (answer.status !== 200 && answer.status !== 403)
      throw new Error(`the record API answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    body = answer.status === 200 ? answer.body : undefined;
    // ingest:demo's flag (CCR), full blood count and discharge summary (OHC) came after the items that first made the
    // heads.
    const shown = (section: string) =>
      Array.isArray(body?.[section]) && (body[section] as unknown[]).length > 0;
    if (
      body &&
      new Set(body.sources.map((s) => s.collaborative)).size === 2 &&
      shown('alerts') &&
      shown('documents') &&
      shown('results')
    )
      break;
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!body) throw new Error(`the record API does not show ${nhsNumber} to ${gp.odsCode} yet`);
  step(
    `GET ${recordApi}/patients/${nhsNumber}/record (X-Purpose-Of-Use: DIRECT_CARE), as Dr Demo Practitioner, ` +
      `clinician at ${gp.name} (${gp.odsCode}): relationship ${body.access.relationship}`,
  );
  // Alerts are the answer's first section: the reasonable adjustment flag heads the table.
  console.table(sectionRows(body));
  step(`sources: ${body.sources.map((s) => `${s.collaborative} sequence ${s.sequence}`).join(', ')}`);
  const shortened = Object.entries(body.shortened ?? {});
  step(
    shortened.length === 0
      ? 'what the view leaves out: nothing (shortened: {}); every list is shown whole'
      : `what the view leaves out: ${shortened.map(([section, s]) => `${section} ${s.shown} of ${s.total} (the rest: ${s.rest})`).join('; ')}`,
  );

  // The patient's history on request, as a clinical system asks for it: FHIR search, audited like a read.
  const patient = encodeURIComponent(`https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`);
  const searchPath = `/fhir/DiagnosticReport?patient.identifier=${patient}&_sort=-date`;
  const searched = await fetch(`${recordApi}${searchPath}`, {
    headers: { authorization: `Bearer ${gpToken}`, 'x-purpose-of-use': 'DIRECT_CARE' },
  });
  const found = (await searched.json()) as SearchBundle;
  if (searched.status !== 200 || found.type !== 'searchset')
    throw new Error(`the FHIR search answered ${searched.status}: ${JSON.stringify(found)}`);
  const reports = (found.entry ?? []).filter((e) => e.search?.mode === 'match');
  step(
    `GET ${searchPath} (docs/record-api.md): a searchset of ${found.total} result report(s): ` +
      reports
        .map(
          (e) =>
            `${e.resource.code?.text ?? e.resource.code?.coding?.[0]?.display ?? '?'} (${e.resource.status})`,
        )
        .join(', '),
  );

  const refused = await read(strangerToken, { 'x-purpose-of-use': 'DIRECT_CARE' });
  step(
    `the same read as Dr Demo Emergency, clinician at ${stranger.name} (${stranger.odsCode}): HTTP ${refused.status}` +
      ` — ${refused.body.detail}`,
  );
  if (refused.status !== 403)
    throw new Error(`expected 403 for a reader with no relationship, got ${refused.status}`);

  const reason = 'Patient brought in unconscious; no history available';
  const brokeGlass = await read(strangerToken, {
    'x-purpose-of-use': 'EMERGENCY_CARE',
    'x-break-glass-reason': reason,
  });
  if (brokeGlass.status !== 200)
    throw new Error(`expected 200 for a break-glass read, got ${brokeGlass.status}`);
  step(
    `again, declaring EMERGENCY_CARE with X-Break-Glass-Reason "${reason}": HTTP ${brokeGlass.status}, ` +
      `${sectionRows(brokeGlass.body).length} items; ${brokeGlass.body.access.notices[0]}`,
  );

  const audit = new EventSerde<{ RecordAccessed: RecordAccessed; AccessAlertRaised: AccessAlertRaised }>({
    registry,
    schemas: RECORD_API_AUDIT_SCHEMAS,
    namespace: AUDIT_NAMESPACE,
  });
  const audited = await readFromStart(kafka, {
    topics: [recordAccessAuditTopic(prefix)],
    reader: 'crosscare-record-demo',
    keep: async ({ message }) => {
      if (!message.value) return undefined;
      const { event } = await audit.decode(message.value);
      return 'correlationId' in event && correlationIds.slice(-3).includes(event.correlationId)
        ? (event as RecordAccessed)
        : undefined;
    },
    until: (found) => found.length >= 3,
    timeoutMs: 30_000,
  });
  step(`the audit trail of those reads, from ${recordAccessAuditTopic(prefix)} (no audit event, no data):`);
  console.table(
    audited.map((a) => ({
      when: new Date(a.occurredAt).toISOString(),
      user: a.user ? `${a.user.name} (${a.user.id})` : '(none)',
      role: a.user?.role ?? '',
      organisation: a.organisationOdsCode,
      purpose: a.purposeOfUse,
      patient: a.nhsNumber,
      outcome: a.outcome,
      why: a.denial ?? a.relationship ?? '',
      sequences: a.sources.map((s) => `${s.collaborative}#${s.sequence}`).join(' '),
    })),
  );
  const breakGlassAudit = audited.find((a) => a.outcome === 'BREAK_GLASS');
  const alerts = await readFromStart(kafka, {
    topics: [accessAlertTopic(prefix)],
    reader: 'crosscare-record-demo',
    keep: async ({ message }) => {
      if (!message.value) return undefined;
      const { event } = await audit.decode(message.value);
      return (event as AccessAlertRaised).auditId === breakGlassAudit?.auditId
        ? (event as AccessAlertRaised)
        : undefined;
    },
    until: (found) => found.length > 0,
    timeoutMs: 30_000,
  });
  step(`the privacy officer's alert, from ${accessAlertTopic(prefix)}:`);
  console.table(
    alerts.map((a) => ({
      when: new Date(a.raisedAt).toISOString(),
      kind: a.kind,
      user: `${a.userName} (${a.userId})`,
      organisation: a.organisationOdsCode,
      patient: a.nhsNumber,
      reason: a.reason,
    })),
  );
}

/** One row per item the answer shows: what it is, who sent it, from which ICS and collaborative. */
function sectionRows(body: RecordView) {
  const sections = Object.entries(body).filter(
    ([name]) =>
      !['sources', 'mergedFrom', 'nhsNumber', 'requestedNhsNumber', 'mergedInto', 'access'].includes(name),
  );
  return sections.flatMap(([name, value]) =>
    entriesOf(value).map((entry) => ({ section: name, ...describe(entry) })),
  );
}

interface ProblemView {
  readonly detail?: string;
}

interface RecordView {
  readonly sources: { collaborative: string; sequence: number }[];
  readonly access: { relationship: string | null; notices: string[] };
  readonly shortened?: Record<string, { shown: number; total: number; rest: string }>;
  readonly [section: string]: unknown;
}

/** A FHIR searchset, as much of it as the demo prints. */
interface SearchBundle {
  readonly type: string;
  readonly total?: number;
  readonly entry?: {
    readonly search?: { mode?: string };
    readonly resource: { status?: string; code?: { text?: string; coding?: { display?: string }[] } };
  }[];
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
  const coded = [
    'code',
    'type',
    'substance',
    'medication',
    'vaccine',
    'reason',
    'specialty',
    'category',
    'service',
  ]
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
