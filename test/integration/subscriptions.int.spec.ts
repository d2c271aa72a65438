import { fhirFixtures } from '@crosscare/fhir/testing';
import { loadProviderDirectory, type Provider } from '@crosscare/governance';
import { ADT_FIXTURE_NHS_NUMBERS, CERNER_ADT, withControlId } from '@crosscare/hl7v2/testing';
import { relationshipEvidence } from '@crosscare/projection';
import { openReadModel, ReadModelReader } from '@crosscare/read-model';
import { eventually, uniqueIdentifier, uniqueName } from '@crosscare/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import WebSocket from 'ws';
import { send, startIngest, type IngestUnderTest } from '../../apps/ingest/src/testing/ingest-under-test';
import { loadProjectorConfig } from '../../apps/projector/src/projector-config';
import { ProjectorRuntime } from '../../apps/projector/src/projector-runtime';
import { SubscriptionsUnderTest } from '../../apps/subscriptions/src/testing/subscriptions-under-test';
import {
  eventNumbers,
  notificationType,
  statusParameters as statusOf,
  type ReceivedBundle,
  WebhookReceiver,
} from '../../apps/subscriptions/src/testing/webhook-receiver';

jest.setTimeout(180_000);

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
const TOPIC = (code: string) => `https://fhir.crosscare.nhs.uk/SubscriptionTopic/${code}`;

/** A backport Subscription as a supplier's system would POST it (a rest-hook unless the endpoint is 'websocket'). */
function subscription(options: {
  topic: string;
  filter: string;
  endpoint: string;
  headers?: string[];
  payload?: 'empty' | 'id-only' | 'full-resource';
  /** Channel extensions: heartbeat period, timeout, max count. */
  channelExtensions?: { url: string; valueUnsignedInt?: number; valuePositiveInt?: number }[];
}) {
  const payload = {
    ...(options.channelExtensions ? { extension: options.channelExtensions } : {}),
    payload: 'application/fhir+json',
    _payload: {
      extension: [
        { url: `${BACKPORT}/backport-payload-content`, valueCode: options.payload ?? 'full-resource' },
      ],
    },
  };
  return {
    resourceType: 'Subscription',
    meta: { profile: [`${BACKPORT}/backport-subscription`] },
    status: 'requested',
    reason: 'Tell the practice when its patients are admitted or attend',
    criteria: TOPIC(options.topic),
    _criteria: {
      extension: [{ url: `${BACKPORT}/backport-filter-criteria`, valueString: options.filter }],
    },
    channel:
      options.endpoint === 'websocket'
        ? { type: 'websocket', ...payload }
        : { type: 'rest-hook', endpoint: options.endpoint, ...payload, header: options.headers ?? [] },
  };
}

/**
 * Subscriptions along the real path: a GP practice's registration through ingest and the CCR projector's read model,
 * an acute trust's HL7 v2 admissions through ingest onto the ICS topic, the subscription service's consumer group, and
 * notification Bundles POSTed to a webhook receiver on 127.0.0.1.
 */
describe('subscriptions (ingest → broker → subscription service → webhook)', () => {
  const nhsNumber = ADT_FIXTURE_NHS_NUMBERS.alice;
  let ingest: IngestUnderTest;
  let projector: ProjectorRuntime;
  let subscriptions: SubscriptionsUnderTest;
  let readModel: DataSource;
  let practice: Provider;
  let otherPractice: Provider;
  let trust: Provider;
  let trustKey: string;
  const schema = uniqueIdentifier('subscriptions_ccr');
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    ingest = await startIngest('subscriptions');
    const prefix = ingest.topic('QHL').replace(/\.qhl\.record-changes\.v1$/, '');
    projector = await ProjectorRuntime.start(
      loadProjectorConfig({
        ...ingest.kafka.environment,
        SCHEMA_REGISTRY_URL: ingest.registry.url,
        DATABASE_URL: process.env.DATABASE_URL,
        PROJECTOR_COLLABORATIVE: 'CCR',
        PROJECTOR_DATABASE_SCHEMA: schema,
        PROJECTOR_TOPIC_PREFIX: prefix,
        PROJECTOR_GROUP_ID: `${prefix}-CCR`,
        PROJECTOR_RELAY_INTERVAL_MS: '50',
        LOG_LEVEL: 'error',
      }),
    );
    subscriptions = await SubscriptionsUnderTest.start(
      {
        kafka: ingest.kafka.environment,
        schemaRegistryUrl: ingest.registry.url,
        topicPrefix: prefix,
        readModelSchema: schema,
      },
      {
        // A failing endpoint is in error after three quick failures, and tried again every second.
        SUBSCRIPTIONS_RETRY_INITIAL_MS: '100',
        SUBSCRIPTIONS_RETRY_MAX_MS: '200',
        SUBSCRIPTIONS_FAILURES_BEFORE_ERROR: '3',
        SUBSCRIPTIONS_ERROR_RETRY_SECONDS: '1',
        // Nothing kept in memory: every full resource and $events answer is read back from the ICS topic by offset.
        SUBSCRIPTIONS_EVENT_CACHE_SIZE: '0',
      },
    );
    readModel = await openReadModel(
      { url: process.env.DATABASE_URL!, poolSize: 2 },
      schema,
      'crosscare-subscriptions-test',
    );
    [practice, otherPractice] = loadProviderDirectory().providers({ type: 'GP_PRACTICE', ics: 'QHL' });
    trust = ingest.provider('ACUTE_TRUST', 'QHL');
    trustKey = await ingest.credentialFor(trust.odsCode);

    // The practice registers the patient; the subscription service learns it from the read model, as the record API.
    const patient = fhirFixtures.gpPatient(nhsNumber);
    patient.id = uniqueName('patient');
    patient.generalPractitioner = [
      { identifier: { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: practice.odsCode } },
    ];
    const registered = await send(ingest.url, 'PUT', `/fhir/Patient/${patient.id}`, {
      token: await ingest.credentialFor(practice.odsCode),
      body: patient,
    });
    expect(registered.status).toBeLessThan(300);
    const reader = new ReadModelReader(readModel, 'CCR', schema);
    await eventually(
      'the registration in the read model',
      async () => {
        const set = await reader.loadPatient(nhsNumber).catch(() => undefined);
        return set && relationshipEvidence(set.records, Date.now()).registeredGpOdsCode === practice.odsCode
          ? true
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
  });

  afterAll(async () => {
    for (const step of [
      ...receivers.map((r) => () => r.stop()),
      () => subscriptions?.close(),
      () => projector?.stop(),
      () => ingest?.close(),
      () => readModel?.destroy(),
    ])
      await step()?.catch(() => undefined);
  });

  /** The trust's PAS sends an ADT message for the patient: its ODS code in MSH-4, a fresh control id. */
  const admit = async (message: string) => {
    const er7 = withControlId(
      message
        .replace(/^MSH\|\^~\\&\|CERNER\|RRK\|/, `MSH|^~\\&|CERNER|${trust.odsCode}|`)
        .replaceAll(ADT_FIXTURE_NHS_NUMBERS.ben, nhsNumber),
      uniqueName('msg'),
    );
    const answer = await send(ingest.url, 'POST', '/hl7v2', {
      token: trustKey,
      body: er7,
      contentType: 'x-application/hl7-v2+er7',
    });
    expect(answer.text).toContain('MSA|AA');
  };

  const receiver = async (port?: number) => {
    const started = await WebhookReceiver.start(port);
    receivers.push(started);
    return started;
  };

  it('tells a practice of its registered patient’s admission, numbered; recovers what a dead receiver missed through $events', async () => {
    const webhook = await receiver();
    const token = subscriptions.token(practice.odsCode);
    const created = await subscriptions.request(
      'POST',
      '/fhir/Subscription',
      token,
      subscription({
        topic: 'encounter-started',
        filter: `Encounter?registered-with=${practice.odsCode}`,
        endpoint: webhook.url,
        headers: ['Authorization: Bearer practice-receiver-secret'],
      }),
    );
    expect(created.body).toMatchObject({ status: 'requested' });
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('practice-receiver-secret');
    const id: string = created.body.id;

    // The handshake comes first; the subscription is then active.
    await eventually('the handshake', () => Promise.resolve(webhook.received.length > 0 ? true : undefined), {
      timeoutMs: 20_000,
    });
    expect(notificationType(webhook.received[0].bundle)).toBe('handshake');
    expect(webhook.received[0].headers.authorization).toBe('Bearer practice-receiver-secret');
    await eventually(
      '$status active',
      async () => {
        const status = await subscriptions.request('GET', `/fhir/Subscription/${id}/$status`, token);
        return statusOf(status.body).status?.valueCode === 'active' ? true : undefined;
      },
      { timeoutMs: 20_000 },
    );

    // The acute trust admits the patient over HL7 v2: the practice hears of it as event 1, the Encounter with it.
    await admit(CERNER_ADT.A01);
    const first = await eventually(
      'the admission notification',
      () => Promise.resolve(webhook.eventNotifications[0]),
      {
        timeoutMs: 60_000,
        intervalMs: 200,
      },
    );
    expect(eventNumbers(first.bundle)).toEqual([1]);
    expect(statusOf(first.bundle)['events-since-subscription-start']?.valueString).toBe('1');
    expect(first.headers.authorization).toBe('Bearer practice-receiver-secret');
    const encounter = first.bundle.entry[1].resource!;
    expect(encounter.resourceType).toBe('Encounter');
    expect(encounter.class).toMatchObject({ code: 'IMP' });
    expect(JSON.stringify(encounter)).toContain(nhsNumber);

    // A second subscription of the practice's, for this one patient, to a receiver that stays up.
    const steady = await receiver();
    const second = await subscriptions.request(
      'POST',
      '/fhir/Subscription',
      token,
      subscription({
        topic: 'encounter-started',
        filter: `Encounter?patient=${NHS_NUMBER_SYSTEM}|${nhsNumber}`,
        endpoint: steady.url,
        payload: 'id-only',
      }),
    );
    expect(second.status).toBe(201);
    await eventually('the second handshake', () => Promise.resolve(steady.received[0]), {
      timeoutMs: 20_000,
    });

    // The receiver dies; the trust sends an emergency attendance and a transfer meanwhile.
    await webhook.stop();
    await admit(CERNER_ADT.A04);
    await admit(CERNER_ADT.A02);
    const failed = await eventually(
      'the subscription in error with three events',
      async () => {
        const status = await subscriptions.request('GET', `/fhir/Subscription/${id}/$status`, token);
        const parameters = statusOf(status.body);
        return parameters.status?.valueCode === 'error' &&
          parameters['events-since-subscription-start']?.valueString === '3'
          ? parameters
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(failed.error).toBeDefined();
    // The failing endpoint held up nobody else: the steady receiver had both, as its subscription's events 1 and 2.
    const steadyNumbers = await eventually(
      'the steady receiver’s notifications',
      () => {
        const numbers = steady.eventNotifications.flatMap((n) => eventNumbers(n.bundle));
        return Promise.resolve(numbers.length >= 2 ? numbers : undefined);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(steadyNumbers).toEqual([1, 2]);

    // The gap, recovered from Kafka through $events: events 2 and 3, in order, with their resources.
    const missed = await subscriptions.request(
      'GET',
      `/fhir/Subscription/${id}/$events?eventsSinceNumber=2&eventsUntilNumber=3`,
      token,
    );
    expect(missed.status).toBe(200);
    expect(statusOf(missed.body).type?.valueCode).toBe('query-event');
    expect(eventNumbers(missed.body)).toEqual([2, 3]);
    const resources = (missed.body as ReceivedBundle).entry
      .slice(1)
      .map((entry) => entry.resource?.resourceType);
    expect(resources).toEqual(['Encounter', 'Encounter']);

    // The receiver comes back: delivery resumes where it stopped (at least once), and the subscription is active.
    const revived = await receiver(Number(new URL(webhook.url).port));
    const resumed = await eventually(
      'the missed notifications',
      () => {
        const numbers = revived.eventNotifications.flatMap((n) => eventNumbers(n.bundle));
        return Promise.resolve(numbers.includes(3) ? numbers : undefined);
      },
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(resumed).toEqual([2, 3]);
    const status = await subscriptions.request('GET', `/fhir/Subscription/${id}/$status`, token);
    expect(statusOf(status.body).status?.valueCode).toBe('active');
  });

  it('refuses a subscription to another practice’s registered patients, and to a patient the subscriber does not care for', async () => {
    const token = subscriptions.token(otherPractice.odsCode);
    const others = await subscriptions.request(
      'POST',
      '/fhir/Subscription',
      token,
      subscription({
        topic: 'encounter-started',
        filter: `Encounter?registered-with=${practice.odsCode}`,
        endpoint: 'http://127.0.0.1:9/never',
      }),
    );
    expect(others.status).toBe(403);
    expect(others.body.resourceType).toBe('OperationOutcome');
    expect(others.body.issue[0].diagnostics).toContain('only its own registered patients');

    const patient = await subscriptions.request(
      'POST',
      '/fhir/Subscription',
      token,
      subscription({
        topic: 'encounter-started',
        filter: `Encounter?patient=${NHS_NUMBER_SYSTEM}|${nhsNumber}`,
        endpoint: 'http://127.0.0.1:9/never',
      }),
    );
    expect(patient.status).toBe(403);
    expect(patient.body.issue[0].diagnostics).toContain('no legitimate relationship');

    const search = await subscriptions.request('GET', '/fhir/Subscription', token);
    expect(search.body.total).toBe(0);
  });

  it('keeps a practice’s subscription its own: another organisation reads, changes and deletes nothing of it', async () => {
    const owner = subscriptions.token(practice.odsCode);
    const created = await subscriptions.request(
      'POST',
      '/fhir/Subscription',
      owner,
      subscription({
        topic: 'patient-died',
        filter: `Patient?registered-with=${practice.odsCode}`,
        endpoint: 'http://127.0.0.1:9/never',
        payload: 'id-only',
      }),
    );
    expect(created.status).toBe(201);
    const other = subscriptions.token(otherPractice.odsCode);
    for (const [method, path] of [
      ['GET', `/fhir/Subscription/${created.body.id}`],
      ['DELETE', `/fhir/Subscription/${created.body.id}`],
      ['GET', `/fhir/Subscription/${created.body.id}/$events`],
    ]) {
      const answer = await subscriptions.request(method, path, other);
      expect(answer.status).toBe(404);
    }
    expect((await subscriptions.request('GET', `/fhir/Subscription/${created.body.id}`, owner)).status).toBe(
      200,
    );
    expect(
      (await subscriptions.request('DELETE', `/fhir/Subscription/${created.body.id}`, owner)).status,
    ).toBe(204);
    expect((await subscriptions.request('GET', `/fhir/Subscription/${created.body.id}`, owner)).status).toBe(
      404,
    );
    expect((await subscriptions.request('GET', '/fhir/Subscription', undefined)).status).toBe(401);
  });

  it('sends a websocket client what it missed while unbound, then each new notification, after it binds', async () => {
    const token = subscriptions.token(practice.odsCode);
    const created = await subscriptions.request(
      'POST',
      '/fhir/Subscription',
      token,
      subscription({
        topic: 'encounter-ended',
        filter: `Encounter?registered-with=${practice.odsCode}`,
        endpoint: 'websocket',
        payload: 'id-only',
      }),
    );
    expect(created.body).toMatchObject({ status: 'requested', channel: { type: 'websocket' } });
    const id = created.body.id as string;
    const statusNow = async () =>
      statusOf((await subscriptions.request('GET', `/fhir/Subscription/${id}/$status`, token)).body);

    // Discharged while no client is bound: numbered, kept.
    await admit(CERNER_ADT.A03);
    await eventually(
      'the discharge numbered',
      async () =>
        (await statusNow())['events-since-subscription-start']?.valueString === '1' ? true : undefined,
      { timeoutMs: 60_000, intervalMs: 300 },
    );

    const binding = await subscriptions.request(
      'GET',
      `/fhir/Subscription/${id}/$get-ws-binding-token`,
      token,
    );
    expect(binding.status).toBe(200);
    const parameter = (name: string) =>
      (binding.body.parameter as { name: string; valueString?: string; valueUrl?: string }[]).find(
        (p) => p.name === name,
      );
    const url = parameter('websocket-url')!.valueUrl!;
    expect(url).toBe(`${subscriptions.url.replace(/^http/, 'ws')}/fhir/websocket`);

    // Someone else's token, or none: refused.
    const forged = new WebSocket(url);
    await new Promise((resolve) => forged.on('open', resolve));
    forged.send('bind-with-token not.a-token');
    const refusal = await new Promise<number>((resolve) => forged.on('close', (code) => resolve(code)));
    expect(refusal).toBe(1008);

    const client = new WebSocket(url);
    const frames: ReceivedBundle[] = [];
    client.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString('utf8')) as ReceivedBundle));
    await new Promise((resolve) => client.on('open', resolve));
    client.send(`bind-with-token ${parameter('token')!.valueString}`);
    try {
      const missed = await eventually(
        'the handshake, then the missed discharge',
        () => Promise.resolve(frames.length >= 2 ? frames : undefined),
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(notificationType(missed[0])).toBe('handshake');
      expect(notificationType(missed[1])).toBe('event-notification');
      expect(eventNumbers(missed[1])).toEqual([1]);
      expect((await statusNow()).status?.valueCode).toBe('active');

      // A second discharge (another stay) reaches the bound client as event 2.
      await admit(CERNER_ADT.A03.replaceAll('4012345678', '4012345679'));
      const next = await eventually(
        'the second discharge',
        () => Promise.resolve(frames.find((f) => eventNumbers(f).includes(2))),
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      expect(statusOf(next)['events-since-subscription-start']?.valueString).toBe('2');
      expect(next.entry[1]?.resource).toBeUndefined();
      expect(next.entry[1]?.fullUrl).toContain('/Encounter/');
    } finally {
      client.close();
    }
  });

  it('sends a heartbeat when a subscription has been quiet for its heartbeat period', async () => {
    const webhook = await receiver();
    const body = subscription({
      topic: 'patient-died',
      filter: `Patient?registered-with=${practice.odsCode}`,
      endpoint: webhook.url,
      payload: 'empty',
      channelExtensions: [{ url: `${BACKPORT}/backport-heartbeat-period`, valueUnsignedInt: 10 }],
    });
    const created = await subscriptions.request(
      'POST',
      '/fhir/Subscription',
      subscriptions.token(practice.odsCode),
      body,
    );
    expect(created.status).toBe(201);
    const heartbeat = await eventually(
      'a heartbeat',
      () => Promise.resolve(webhook.received.find((n) => notificationType(n.bundle) === 'heartbeat')),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const handshake = webhook.received.find((n) => notificationType(n.bundle) === 'handshake')!;
    expect(heartbeat.receivedAt - handshake.receivedAt).toBeGreaterThanOrEqual(9_000);
    expect(statusOf(heartbeat.bundle)['events-since-subscription-start']?.valueString).toBe('0');
  });

  it("carries the provider's correlation id from its request to the record change, the changelog and the webhook", async () => {
    const webhook = await receiver();
    const created = await subscriptions.request(
      'POST',
      '/fhir/Subscription',
      subscriptions.token(practice.odsCode),
      subscription({
        topic: 'encounter-started',
        filter: `Encounter?registered-with=${practice.odsCode}`,
        endpoint: webhook.url,
        // A subscriber's own header of that name gives way to Crosscare's.
        headers: ['X-Correlation-Id: the-subscriber-s-own'],
        payload: 'id-only',
      }),
    );
    expect(created.status).toBe(201);
    await eventually('the handshake', () => Promise.resolve(webhook.received[0]), { timeoutMs: 20_000 });

    const correlationId = randomUUID();
    // An admission of its own (a visit number no other test uses): a copy of an earlier one would publish nothing.
    const visit = `4013${String(Date.now()).slice(-6)}`;
    const er7 = withControlId(
      CERNER_ADT.A01.replace(/^MSH\|\^~\\&\|CERNER\|RRK\|/, `MSH|^~\\&|CERNER|${trust.odsCode}|`)
        .replaceAll(ADT_FIXTURE_NHS_NUMBERS.ben, nhsNumber)
        .replaceAll('4012345678', visit),
      uniqueName('msg'),
    );
    const answer = await send(ingest.url, 'POST', '/hl7v2', {
      token: trustKey,
      body: er7,
      contentType: 'x-application/hl7-v2+er7',
      correlationId,
    });
    expect(answer.text).toContain('MSA|AA');
    expect(answer.headers.get('x-correlation-id')).toBe(correlationId);

    // The record change on the ICS topic: the Kafka header, and the event's own header.
    const [change] = await ingest.events(ingest.topic(trust.ics), 1, { correlationId, settleMs: 0 });
    expect(change.headers['crosscare-correlation-id']).toBe(correlationId);
    expect(change.event.header.correlationId).toBe(correlationId);

    // The CCR projector's changelog: the patient's messages of this change carry it too.
    const changelog = await ingest.kafka.consumer(uniqueName('changelog-reader'));
    const onChangelog: { key: string; correlationId?: string }[] = [];
    await changelog.subscribe({ topic: projector.services.topology.changelogTopic, fromBeginning: true });
    await changelog.run({
      eachMessage: ({ message }) => {
        onChangelog.push({
          key: message.key?.toString() ?? '',
          correlationId: message.headers?.['crosscare-correlation-id']?.toString(),
        });
        return Promise.resolve();
      },
    });
    const carried = await eventually(
      'changelog messages with the correlation id',
      () => {
        const mine = onChangelog.filter((m) => m.correlationId === correlationId);
        // The changed item and the patient's head, both keyed by the patient.
        return Promise.resolve(mine.length >= 2 ? mine : undefined);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(carried.every((m) => m.key.startsWith(nhsNumber))).toBe(true);
    await ingest.kafka.close(changelog);

    // The rest-hook notification of the admission: X-Correlation-Id.
    const notified = await eventually(
      'the notification with the correlation id',
      () =>
        Promise.resolve(
          webhook.eventNotifications.find((n) => n.headers['x-correlation-id'] === correlationId),
        ),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(eventNumbers(notified.bundle)).toEqual([1]);
    // The handshake had no event, so no correlation id of Crosscare's: the subscriber's own header went as it was.
    expect(webhook.received[0].headers['x-correlation-id']).toBe('the-subscriber-s-own');
  });
});
