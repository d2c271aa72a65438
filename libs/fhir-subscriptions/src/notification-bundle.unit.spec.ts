import type { Parameters } from '@medplum/fhirtypes';
import { notificationBundle, NotificationShapeError, statusBundle } from './notification-bundle';
import type { NotificationEvent } from './subscription-status';

const BASE = 'https://api.crosscare.test/fhir';
const TOPIC = 'https://fhir.crosscare.nhs.uk/SubscriptionTopic/encounter-started';
const NOW = '2026-12-01T09:00:00.000Z';
const subscription = {
  id: 'b1f2c3d4-0000-4000-8000-000000000001',
  topicUrl: TOPIC,
  status: 'active',
  eventsSinceSubscriptionStart: 8,
} as const;
const encounter = { resourceType: 'Encounter', id: '0b7e1f0e-5c2a-5f3e-9d4b-2a6c8e0f1a2b' };
const events: NotificationEvent[] = [
  {
    eventNumber: 7,
    timestamp: '2026-12-01T08:58:00.000Z',
    focus: encounter,
    resource: { resourceType: 'Encounter', id: encounter.id, status: 'in-progress', class: { code: 'IMP' } },
  },
  {
    eventNumber: 8,
    timestamp: '2026-12-01T08:59:00.000Z',
    focus: { resourceType: 'Flag', id: 'f1' },
    removed: true,
  },
];

const statusOf = (bundle: ReturnType<typeof notificationBundle>) => bundle.entry?.[0]?.resource as Parameters;
const parameter = (status: Parameters, name: string) =>
  status.parameter?.filter((p) => p.name === name) ?? [];

describe('notificationBundle', () => {
  it('given a handshake, is a history Bundle whose only entry is the status, requested as a $status GET', () => {
    const bundle = notificationBundle({
      type: 'handshake',
      subscription: { ...subscription, status: 'requested', eventsSinceSubscriptionStart: 0 },
      baseUrl: BASE,
      payload: 'id-only',
      events: [],
      now: NOW,
    });
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      type: 'history',
      timestamp: NOW,
      meta: {
        profile: [
          'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-notification-r4',
        ],
      },
    });
    expect(bundle.entry).toHaveLength(1);
    const [entry] = bundle.entry ?? [];
    expect(entry?.fullUrl).toBe(`urn:uuid:${entry?.resource?.id}`);
    expect(entry?.request).toEqual({ method: 'GET', url: `${BASE}/Subscription/${subscription.id}/$status` });
    expect(entry?.response).toEqual({ status: '200' });
    expect(entry?.resource).toEqual({
      resourceType: 'Parameters',
      id: entry?.resource?.id,
      meta: {
        profile: [
          'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4',
        ],
      },
      parameter: [
        { name: 'subscription', valueReference: { reference: `${BASE}/Subscription/${subscription.id}` } },
        { name: 'topic', valueCanonical: TOPIC },
        { name: 'status', valueCode: 'requested' },
        { name: 'type', valueCode: 'handshake' },
        { name: 'events-since-subscription-start', valueString: '0' },
      ],
    });
  });

  it('given id-only events, names each focus in the status and gives each an entry without the resource', () => {
    const bundle = notificationBundle({
      type: 'event-notification',
      subscription,
      baseUrl: BASE,
      payload: 'id-only',
      events,
      now: NOW,
    });
    expect(parameter(statusOf(bundle), 'notification-event')).toEqual([
      {
        name: 'notification-event',
        part: [
          { name: 'event-number', valueString: '7' },
          { name: 'timestamp', valueInstant: '2026-12-01T08:58:00.000Z' },
          { name: 'focus', valueReference: { reference: `${BASE}/Encounter/${encounter.id}` } },
        ],
      },
      expect.objectContaining({ name: 'notification-event' }),
    ]);
    expect(bundle.entry?.slice(1)).toEqual([
      {
        fullUrl: `${BASE}/Encounter/${encounter.id}`,
        request: { method: 'GET', url: `Encounter/${encounter.id}` },
        response: { status: '200' },
      },
      {
        fullUrl: `${BASE}/Flag/f1`,
        request: { method: 'DELETE', url: 'Flag/f1' },
        response: { status: '204' },
      },
    ]);
  });

  it('given full-resource events, carries each resource, but none for a removed focus', () => {
    const bundle = notificationBundle({
      type: 'event-notification',
      subscription,
      baseUrl: BASE,
      payload: 'full-resource',
      events,
      now: NOW,
    });
    expect(bundle.entry?.[1]?.resource).toEqual(events[0]?.resource);
    expect(bundle.entry?.[2]).not.toHaveProperty('resource');
    expect(parameter(statusOf(bundle), 'topic')).toEqual([{ name: 'topic', valueCanonical: TOPIC }]);
  });

  it('given full-resource events one of which could not be rendered, keeps its request and response', () => {
    const [first] = events as [NotificationEvent];
    const { resource: _resource, ...unrendered } = first;
    const bundle = notificationBundle({
      type: 'event-notification',
      subscription,
      baseUrl: BASE,
      payload: 'full-resource',
      events: [unrendered],
      now: NOW,
    });
    expect(bundle.entry?.[1]).toEqual({
      fullUrl: `${BASE}/Encounter/${encounter.id}`,
      request: { method: 'GET', url: `Encounter/${encounter.id}` },
      response: { status: '200' },
    });
  });

  it('given empty content, names no resource and no topic, and has no entry beyond the status', () => {
    const bundle = notificationBundle({
      type: 'event-notification',
      subscription,
      baseUrl: BASE,
      payload: 'empty',
      events,
      now: NOW,
    });
    expect(bundle.entry).toHaveLength(1);
    const status = statusOf(bundle);
    expect(parameter(status, 'topic')).toEqual([]);
    expect(JSON.stringify(status)).not.toContain(encounter.id);
    expect(parameter(status, 'notification-event').map((event) => event.part?.map((p) => p.name))).toEqual([
      ['event-number', 'timestamp'],
      ['event-number', 'timestamp'],
    ]);
  });

  it('given an error, reports it in the status; by default the subscription’s own', () => {
    const failing = { ...subscription, status: 'error', error: 'the endpoint answered 503' } as const;
    const heartbeat = notificationBundle({
      type: 'heartbeat',
      subscription: failing,
      baseUrl: BASE,
      payload: 'id-only',
      events: [],
      now: NOW,
    });
    expect(parameter(statusOf(heartbeat), 'error')).toEqual([
      { name: 'error', valueCodeableConcept: { text: 'the endpoint answered 503' } },
    ]);
    const told = notificationBundle({
      type: 'heartbeat',
      subscription: failing,
      baseUrl: BASE,
      payload: 'id-only',
      events: [],
      error: 'no response',
      now: NOW,
    });
    expect(parameter(statusOf(told), 'error')[0]?.valueCodeableConcept?.text).toBe('no response');
  });

  it('given the same input, gives the same ids; given another time, others', () => {
    const input = {
      type: 'event-notification',
      subscription,
      baseUrl: BASE,
      payload: 'id-only',
      events,
      now: NOW,
    } as const;
    expect(notificationBundle(input)).toEqual(notificationBundle(input));
    expect(notificationBundle({ ...input, now: '2026-12-01T09:00:01.000Z' }).id).not.toBe(
      notificationBundle(input).id,
    );
  });

  it('given a query-event answer without events, is a valid empty history', () => {
    const bundle = notificationBundle({
      type: 'query-event',
      subscription,
      baseUrl: BASE,
      payload: 'id-only',
      events: [],
      now: NOW,
    });
    expect(bundle.entry).toHaveLength(1);
    expect(parameter(statusOf(bundle), 'type')).toEqual([{ name: 'type', valueCode: 'query-event' }]);
  });

  it('given events on a heartbeat, or none on an event notification, refuses: the caller is wrong', () => {
    const input = { subscription, baseUrl: BASE, payload: 'id-only', now: NOW } as const;
    expect(() => notificationBundle({ ...input, type: 'heartbeat', events })).toThrow(NotificationShapeError);
    expect(() => notificationBundle({ ...input, type: 'event-notification', events: [] })).toThrow(
      'an event-notification needs at least one event',
    );
  });
});

describe('statusBundle', () => {
  it('is a searchset of one query-status per subscription', () => {
    const other = { ...subscription, id: 'b1f2c3d4-0000-4000-8000-000000000002', status: 'off' } as const;
    const bundle = statusBundle({ baseUrl: BASE, now: NOW, statuses: [subscription, other] });
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 2 });
    expect(bundle.entry?.map((entry) => entry.search)).toEqual([{ mode: 'match' }, { mode: 'match' }]);
    const statuses = (bundle.entry ?? []).map((entry) => entry.resource as Parameters);
    expect(statuses.map((status) => parameter(status, 'type')[0]?.valueCode)).toEqual([
      'query-status',
      'query-status',
    ]);
    expect(statuses.map((status) => parameter(status, 'status')[0]?.valueCode)).toEqual(['active', 'off']);
    expect(parameter(statuses[0], 'events-since-subscription-start')).toEqual([
      { name: 'events-since-subscription-start', valueString: '8' },
    ]);
    expect(bundle.entry?.[0]?.fullUrl).toBe(`urn:uuid:${statuses[0]?.id}`);
  });
});
