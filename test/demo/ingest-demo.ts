import { configOrExit, redactUrl } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import {
  createRecordChangeSerde,
  recordChangeTopic,
  SchemaRegistryClient,
  type RecordChangeEvent,
} from '@crosscare/events';
import { fhirFixtures } from '@crosscare/fhir/testing';
import type { Provider } from '@crosscare/governance';
import { CERNER_ADT, oruFor, PATHOLOGY_ORU, withControlId, withSecurity } from '@crosscare/hl7v2/testing';
import { createKafka } from '@crosscare/kafka';
import { envWithRegistryCredentials, REGISTRY_TOOLS, stackPaths } from '@crosscare/local-stack';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadIngestConfig } from '../../apps/ingest/src/ingest-config';
import { loadDirectoryOf } from '../../apps/ingest/src/ingest-services';
import { messageCorrelationId } from '../../apps/ingest/src/intake/hl7v2-intake';
import { CredentialStore } from '../../apps/ingest/src/storage/credential-store';
import { openIngestDatabase } from '../../apps/ingest/src/storage/data-source';

/**
 * npm run ingest:demo (part of npm run demo): three providers in three ICSs send what their systems speak to the
 * running ingest — a GP practice a FHIR Condition and a reasonable adjustment Flag, an acute trust an HL7 v2
 * admission and a full blood count (ORU^R01) over MLLP and a FHIR discharge summary (DocumentReference, the document
 * inline), a council a social care extract — and the events are read back off the ICS topics, decoded, with their
 * keys and provenance.
 */
async function main(): Promise<void> {
  const config = configOrExit('ingest:demo', () =>
    loadIngestConfig(envWithRegistryCredentials(process.env, stackPaths(), REGISTRY_TOOLS)),
  );
  const ingestUrl = process.env.INGEST_URL ?? `http://127.0.0.1:${config.port}`;
  const mllpPort = Number(process.env.INGEST_MLLP_PORT ?? config.mllpPort ?? 2575);
  const directory = loadDirectoryOf(config);
  const gp = directory.providers({ type: 'GP_PRACTICE', ics: 'QHL' })[0];
  const trust = directory.providers({ type: 'ACUTE_TRUST', ics: 'QNC' })[0];
  const council = directory.providers({ type: 'LOCAL_AUTHORITY', ics: 'QWU' })[0];
  const correlationId = `demo-${randomUUID()}`;

  step(`ingest at ${ingestUrl} (MLLP 127.0.0.1:${mllpPort}); ledger ${redactUrl(config.database.url)}`);
  const db = await openIngestDatabase(config.database, config.databaseSchema);
  const keys = new Map<string, string>();
  try {
    const store = new CredentialStore(db);
    for (const p of [gp, trust, council]) keys.set(p.odsCode, (await store.issue(p.odsCode, 'demo')).token);
  } finally {
    await db.destroy();
  }
  step(`issued demo API keys for ${[gp, trust, council].map(describe).join('; ')}`);

  const putFhir = async (sender: Provider, resource: { resourceType: string; id?: string }) => {
    resource.id = randomUUID();
    const answer = await fetch(`${ingestUrl}/fhir/${resource.resourceType}/${resource.id}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${keys.get(sender.odsCode)}`,
        'content-type': 'application/fhir+json',
        'x-correlation-id': correlationId,
      },
      body: JSON.stringify(resource),
    });
    step(`FHIR PUT ${resource.resourceType}/${resource.id} as ${sender.odsCode}: HTTP ${answer.status}`);
    if (answer.status !== 202)
      throw new Error(`ingest refused the FHIR ${resource.resourceType}: ${await answer.text()}`);
  };
  await putFhir(gp, fhirFixtures.gpCondition('9990000018'));
  // Shown first in the shared record: the practice's reasonable adjustment flag for the patient.
  const flag = fhirFixtures.gpReasonableAdjustmentFlag('9990000018');
  flag.author = { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: gp.odsCode } };
  await putFhir(gp, flag);

  // A visit number of its own, so every run admits a new encounter rather than re-sending the last one.
  const controlId = `DEMO${Date.now()}`;
  const admission = withSecurity(
    withControlId(
      CERNER_ADT.A01.replace(/^MSH\|\^~\\&\|CERNER\|RRK\|/, `MSH|^~\\&|CERNER|${trust.odsCode}|`).replace(
        '4012345678^^^RRK^VN',
        `${controlId}^^^RRK^VN`,
      ),
      controlId,
    ),
    keys.get(trust.odsCode)!,
  );
  // The trust's laboratory then reports the patient's full blood count: an ORU^R01 over the same MLLP link.
  const resultControlId = `DEMOLAB${Date.now()}`;
  const result = withSecurity(
    withControlId(
      oruFor(PATHOLOGY_ORU.fbcFinal, '9990000018', trust.odsCode, resultControlId),
      resultControlId,
    ),
    keys.get(trust.odsCode)!,
  );
  const client = new Hl7Client({ host: '127.0.0.1', port: mllpPort });
  const ack = await client.sendAndWait(Hl7Message.parse(admission));
  const resultAck = await client.sendAndWait(Hl7Message.parse(result));
  await client.close();
  const ackCode = ack.getSegment('MSA')?.getField(1)?.toString();
  step(`HL7 v2 ADT^A01 over MLLP as ${trust.odsCode}: ACK ${ackCode}`);
  if (ackCode !== 'AA') throw new Error(`ingest did not accept the admission: ${ack.toString()}`);
  const resultAckCode = resultAck.getSegment('MSA')?.getField(1)?.toString();
  step(`HL7 v2 ORU^R01 (a full blood count) over MLLP as ${trust.odsCode}: ACK ${resultAckCode}`);
  if (resultAckCode !== 'AA') throw new Error(`ingest did not accept the result: ${resultAck.toString()}`);
  const summary = fhirFixtures.acuteDischargeSummary('9990000018');
  const trustReference = {
    identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: trust.odsCode },
  };
  summary.author = [trustReference];
  summary.custodian = trustReference;
  delete summary.context;
  await putFhir(trust, summary);

  const extract = JSON.parse(readFileSync(socialCareFixture(), 'utf8')) as {
    council: string;
    records: { id: string }[];
  };
  extract.council = council.councilCode!;
  for (const record of extract.records) record.id = `${record.id}-${correlationId.slice(5, 13)}`;
  const social = await fetch(`${ingestUrl}/social-care/extracts`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${keys.get(council.odsCode)}`,
      'content-type': 'application/json',
      'x-correlation-id': correlationId,
    },
    body: JSON.stringify(extract),
  });
  step(
    `social care extract of ${extract.records.length} records as ${council.odsCode}: HTTP ${social.status}`,
  );
  if (social.status !== 202) throw new Error(`ingest refused the extract: ${await social.text()}`);

  const correlations = [
    correlationId,
    messageCorrelationId(trust.odsCode, controlId),
    messageCorrelationId(trust.odsCode, resultControlId),
  ];
  const events = await readBack(
    config,
    [gp, trust, council],
    correlations,
    3 + 1 + 1 + extract.records.length,
  );
  step(
    `read back ${events.length} events from the ICS topics (read_committed, Avro decoded through the registry):`,
  );
  console.table(
    events.map(({ topic, key, event }) => ({
      topic,
      key,
      eventType: event.header.eventType,
      provider: event.header.providerOdsCode,
      ics: event.header.ics,
      collaborative: event.header.collaborative,
      source: `${event.header.sourceRecordId} v${event.header.sourceRecordVersion}`,
    })),
  );
  step('every event is keyed by NHS number and names the provider that sent it; see docs/ingest.md for more');
}

/** The events of this run, by correlation id: the HTTP requests' header, and the MLLP message's own identity. */
async function readBack(
  config: ReturnType<typeof loadIngestConfig>,
  providers: readonly Provider[],
  correlationIds: readonly string[],
  expected: number,
): Promise<{ topic: string; key: string; event: RecordChangeEvent }[]> {
  const serde = createRecordChangeSerde(new SchemaRegistryClient(config.schemaRegistry));
  const kafka = createKafka(config.kafka, { defaultClientId: 'crosscare-demo' });
  const consumer = kafka.consumer({ groupId: `crosscare-demo-${randomUUID()}` });
  const found: { topic: string; key: string; event: RecordChangeEvent }[] = [];
  await consumer.connect();
  try {
    const topics = [...new Set(providers.map((p) => recordChangeTopic(p.ics, config.topicPrefix)))];
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        if (!correlationIds.includes(message.headers?.['crosscare-correlation-id']?.toString() ?? '')) return;
        const { event } = await serde.decode(message.value!);
        found.push({ topic, key: message.key!.toString(), event });
      },
    });
    const deadline = Date.now() + 30_000;
    while (found.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (found.length < expected) throw new Error(`read back ${found.length} of ${expected} events in 30 s`);
    return found;
  } finally {
    await consumer.disconnect();
  }
}

function socialCareFixture(): string {
  return join(process.cwd(), 'libs', 'social-care', 'src', 'fixtures', 'birmingham-extract.json');
}

function describe(p: Provider): string {
  return `${p.odsCode} ${p.name} (${p.type}, ${p.ics})`;
}

function step(message: string): void {
  process.stdout.write(`ingest demo ▸ ${message}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`ingest demo failed: ${errorMessage(error)}`);
    process.exit(1);
  },
);
