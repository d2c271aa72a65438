import { configOrExit } from '@crosscare/config';
import { errorMessage } from '@crosscare/errors';
import { testNhsNumber } from '@crosscare/events/synthetic';
import { fhirFixtures } from '@crosscare/fhir/testing';
import type { Provider } from '@crosscare/governance';
import { CERNER_ADT, withControlId, withSecurity } from '@crosscare/hl7v2/testing';
import { signDevelopmentToken } from '@crosscare/identity';
import {
  developmentIssuerDirectories,
  envWithRegistryCredentials,
  REGISTRY_TOOLS,
  stackPaths,
} from '@crosscare/local-stack';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import { randomInt, randomUUID } from 'node:crypto';
import { loadIngestConfig } from '../../apps/ingest/src/ingest-config';
import { loadDirectoryOf } from '../../apps/ingest/src/ingest-services';
import { CredentialStore } from '../../apps/ingest/src/storage/credential-store';
import { openIngestDatabase } from '../../apps/ingest/src/storage/data-source';
import {
  eventNumbers,
  notificationType,
  statusParameters,
  WebhookReceiver,
} from '../../apps/subscriptions/src/testing/webhook-receiver';

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
const SUBSCRIPTIONS_AUDIENCE = 'crosscare-subscriptions';
const WAIT_MS = 60_000;

/**
 * npm run subscriptions:demo (part of npm run demo): a GP practice's clinical system, which speaks FHIR but not
 * Kafka, is told when its patient is admitted to hospital in another collaborative.
 * 1. The practice registers a new (synthetic) patient through ingest, as its GP system would.
 * 2. Its system subscribes to encounter-started for every patient registered with it (one Subscription for its
 *    whole list), with a webhook on this machine and a secret header; Crosscare's handshake reaches the webhook.
 * 3. An acute trust in Staffordshire sends an HL7 v2 admission over MLLP; the practice's webhook receives the
 *    notification: event number 1, the Encounter in UK Core form, and how long after ingest's acknowledgement.
 * 4. Another practice is refused a subscription to this practice's patients.
 */
async function main(): Promise<void> {
  const config = configOrExit('subscriptions:demo', () =>
    loadIngestConfig(envWithRegistryCredentials(process.env, stackPaths(), REGISTRY_TOOLS)),
  );
  const ingestUrl = process.env.INGEST_URL ?? `http://127.0.0.1:${config.port}`;
  const mllpPort = Number(process.env.INGEST_MLLP_PORT ?? config.mllpPort ?? 2575);
  const subscriptionsUrl = `${process.env.SUBSCRIPTIONS_URL ?? 'http://127.0.0.1:8087/fhir'}`.replace(
    /\/+$/,
    '',
  );
  const directory = loadDirectoryOf(config);
  const [practice, otherPractice] = directory.providers({ type: 'GP_PRACTICE', ics: 'QHL' });
  const trust = directory.providers({ type: 'ACUTE_TRUST', ics: 'QNC' })[0];
  // A patient of this run alone, so that the demo can be run again and again.
  const nhsNumber = testNhsNumber(randomInt(200_000, 900_000));

  const db = await openIngestDatabase(config.database, config.databaseSchema);
  const keys = new Map<string, string>();
  try {
    const store = new CredentialStore(db);
    for (const p of [practice, trust]) keys.set(p.odsCode, (await store.issue(p.odsCode, 'demo')).token);
  } finally {
    await db.destroy();
  }
  const identity = developmentIssuerDirectories(stackPaths());
  const tokenFor = (p: Provider) =>
    signDevelopmentToken(
      {
        sub: `system-${p.odsCode.toLowerCase()}`,
        name: `${p.name} clinical system`,
        role: 'clinician',
        org: p.odsCode,
        aud: SUBSCRIPTIONS_AUDIENCE,
      },
      { secretsDir: identity.secretsDir, lifetimeSeconds: 600 },
    );
  const practiceToken = await tokenFor(practice);
  const fhir = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${subscriptionsUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  // 1. The practice registers the patient.
  const patient = fhirFixtures.gpPatient(nhsNumber);
  patient.id = randomUUID();
  patient.generalPractitioner = [{ identifier: { system: ODS_SYSTEM, value: practice.odsCode } }];
  const registered = await fetch(`${ingestUrl}/fhir/Patient/${patient.id}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${keys.get(practice.odsCode)}`,
      'content-type': 'application/fhir+json',
    },
    body: JSON.stringify(patient),
  });
  if (registered.status !== 202)
    throw new Error(`ingest refused the registration: ${await registered.text()}`);
  step(`${describe(practice)} registered patient ${nhsNumber} through ingest (202)`);

  // 2. The practice's system subscribes, with a webhook on this machine.
  const webhook = await WebhookReceiver.start();
  const created = await fhir('POST', '/Subscription', practiceToken, {
    resourceType: 'Subscription',
    meta: { profile: [`${BACKPORT}/backport-subscription`] },
    status: 'requested',
    reason: 'Tell the practice when any of its registered patients is admitted or attends hospital',
    criteria: 'https://fhir.crosscare.nhs.uk/SubscriptionTopic/encounter-started',
    _criteria: {
      extension: [
        {
          url: `${BACKPORT}/backport-filter-criteria`,
          valueString: `Encounter?registered-with=${practice.odsCode}`,
        },
      ],
    },
    channel: {
      type: 'rest-hook',
      endpoint: webhook.url,
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: 'full-resource' }] },
      header: ['Authorization: Bearer demo-webhook-secret'],
    },
  });
  if (created.status !== 201) throw new Error(`subscription refused: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const channel = created.body.channel as { header?: string[] };
  step(
    `${practice.odsCode}'s system subscribed (201 Subscription/${id}, status ${String(created.body.status)}): ` +
      `encounter-started for patients registered with ${practice.odsCode}, full resources to ${webhook.url}; ` +
      `its header is kept sealed and shown back as ${JSON.stringify(channel.header)}`,
  );
  await until('the handshake', () =>
    webhook.received.find((n) => notificationType(n.bundle) === 'handshake'),
  );
  const status = await until('the subscription to be active', async () => {
    const answer = await fhir('GET', `/Subscription/${id}/$status`, practiceToken);
    return statusParameters(answer.body).status?.valueCode === 'active' ? answer : undefined;
  });
  step(
    `the webhook received Crosscare's handshake; $status says ${statusParameters(status.body).status?.valueCode}`,
  );

  // Matching reads who is registered where from the read model: wait for the registration to be projected, as a
  // real practice's registration would have been long before an admission.
  await until('the registration to reach the read model', async () => {
    const answer = await fetch(
      `${process.env.RECORD_API_URL ?? 'http://127.0.0.1:8085'}/patients/${nhsNumber}/record`,
      {
        headers: {
          authorization: `Bearer ${await signDevelopmentToken(
            { sub: 'demo-gp', name: 'Dr Demo', role: 'clinician', org: practice.odsCode },
            { secretsDir: identity.secretsDir, lifetimeSeconds: 300 },
          )}`,
          'x-purpose-of-use': 'DIRECT_CARE',
        },
      },
    );
    return answer.status === 200 ? true : undefined;
  });

  // 3. The trust admits the patient, over MLLP as its PAS would.
  const admission = withSecurity(
    withControlId(
      CERNER_ADT.A01.replace(/^MSH\|\^~\\&\|CERNER\|RRK\|/, `MSH|^~\\&|CERNER|${trust.odsCode}|`)
        .replaceAll('9990000018', nhsNumber)
        .replaceAll('4012345678', String(randomInt(1_000_000_000, 9_999_999_999))),
      `demo-${randomUUID()}`,
    ),
    keys.get(trust.odsCode)!,
  );
  const client = new Hl7Client({ host: '127.0.0.1', port: mllpPort });
  const ack = await client.sendAndWait(Hl7Message.parse(admission));
  const acknowledgedAt = Date.now();
  await client.close();
  const ackCode = ack.getSegment('MSA')?.getField(1)?.toString();
  if (ackCode !== 'AA') throw new Error(`ingest did not accept the admission: ${ack.toString()}`);
  step(`${describe(trust)} sent an HL7 v2 ADT^A01 admission over MLLP: ACK ${ackCode}`);

  const notification = await until('the admission notification', () =>
    webhook.received.find((n) => notificationType(n.bundle) === 'event-notification'),
  );
  const parameters = statusParameters(notification.bundle);
  const encounter = notification.bundle.entry[1]?.resource as
    | {
        id: string;
        class?: { display?: string };
        period?: { start?: string };
        serviceProvider?: { display?: string };
      }
    | undefined;
  step(
    `${practice.odsCode}'s webhook was told ${notification.receivedAt - acknowledgedAt} ms after the ACK: ` +
      `event ${eventNumbers(notification.bundle).join(', ')} of the subscription ` +
      `(events-since-subscription-start ${parameters['events-since-subscription-start']?.valueString}), ` +
      `Encounter/${encounter?.id}: ${encounter?.class?.display ?? '?'} from ${encounter?.period?.start ?? '?'} ` +
      `at ${encounter?.serviceProvider?.display ?? trust.odsCode}; the header it came with: ` +
      `${notification.headers.authorization === 'Bearer demo-webhook-secret' ? 'the secret the practice set' : 'WRONG'}`,
  );

  // 4. Another practice may not follow this practice's list.
  const refused = await fhir('POST', '/Subscription', await tokenFor(otherPractice), {
    ...created.body,
    id: undefined,
    meta: undefined,
    channel: { ...(created.body.channel as object), header: [] },
  });
  const issue = (refused.body.issue as { diagnostics: string }[] | undefined)?.[0]?.diagnostics;
  step(
    `${otherPractice.odsCode} asking for ${practice.odsCode}'s patients: ${refused.status} ${issue ?? ''}`,
  );

  const deleted = await fhir('DELETE', `/Subscription/${id}`, practiceToken);
  step(`the demo's subscription deleted (${deleted.status})`);
  await webhook.stop();
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS / 1000} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function describe(p: Provider): string {
  return `${p.odsCode} ${p.name} (${p.type}, ${p.ics})`;
}

function step(message: string): void {
  process.stdout.write(`subscriptions demo ▸ ${message}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`subscriptions demo failed: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
