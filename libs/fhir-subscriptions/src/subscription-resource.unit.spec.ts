import { testNhsNumber } from '@crosscare/events/synthetic';
import {
  type ParseSubscriptionOptions,
  parseSubscription,
  renderSubscription,
  type StoredSubscription,
} from './subscription-resource';
import { topicByCode } from './topics';

const NOW = Date.UTC(2026, 11, 1, 9);
const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';
const nhsNumber = testNhsNumber(11);
const options: ParseSubscriptionOptions = { now: NOW };

/** A request shaped as the IG's example Subscription-subscription-admission, aimed at a Crosscare topic. */
function admission(overrides: Record<string, unknown> = {}, channel: Record<string, unknown> = {}) {
  return {
    resourceType: 'Subscription',
    status: 'requested',
    end: '2027-06-30T00:00:00Z',
    reason: 'Admissions of patients on our caseload',
    criteria: 'https://fhir.crosscare.nhs.uk/SubscriptionTopic/encounter-started',
    _criteria: {
      extension: [
        {
          url: `${BACKPORT}/backport-filter-criteria`,
          valueString: `Encounter?patient=https://fhir.nhs.uk/Id/nhs-number|${nhsNumber}`,
        },
        {
          url: `${BACKPORT}/backport-filter-criteria`,
          valueString: 'Encounter?event-kind=inpatient,emergency',
        },
      ],
    },
    channel: {
      extension: [
        { url: `${BACKPORT}/backport-heartbeat-period`, valueUnsignedInt: 3600 },
        { url: `${BACKPORT}/backport-timeout`, valueUnsignedInt: 30 },
        { url: `${BACKPORT}/backport-max-count`, valuePositiveInt: 20 },
      ],
      type: 'rest-hook',
      endpoint: 'https://ehr.example.nhs.uk/notifications',
      payload: 'application/fhir+json',
      _payload: { extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: 'id-only' }] },
      header: ['Authorization: Bearer secret-token-abc-123'],
      ...channel,
    },
    ...overrides,
  };
}

function issuesOf(json: unknown, parseOptions: ParseSubscriptionOptions = options) {
  const parsed = parseSubscription(json, parseOptions);
  if (parsed.ok) throw new Error('expected the subscription to be refused');
  return parsed.issues;
}

describe('parseSubscription', () => {
  it("given a request shaped as the IG's example, reads every element", () => {
    const parsed = parseSubscription(admission(), options);
    expect(parsed).toEqual({
      ok: true,
      value: {
        topic: topicByCode('encounter-started'),
        filter: { patient: nhsNumber, eventKinds: ['inpatient', 'emergency'] },
        channel: {
          type: 'rest-hook',
          endpoint: 'https://ehr.example.nhs.uk/notifications',
          headers: ['Authorization: Bearer secret-token-abc-123'],
        },
        payload: 'id-only',
        contentType: 'application/fhir+json',
        heartbeatPeriodSeconds: 3600,
        timeoutSeconds: 30,
        maxCount: 20,
        end: '2027-06-30T00:00:00.000Z',
        reason: 'Admissions of patients on our caseload',
        requestedStatus: 'requested',
      },
    });
  });

  it('given no payload type, content or heartbeat, takes R4 JSON, id-only and no heartbeats', () => {
    const parsed = parseSubscription(
      admission(
        {},
        {
          payload: undefined,
          _payload: undefined,
          extension: [{ url: `${BACKPORT}/backport-heartbeat-period`, valueUnsignedInt: 0 }],
        },
      ),
      options,
    );
    expect(parsed.ok && parsed.value).toMatchObject({
      payload: 'id-only',
      contentType: 'application/fhir+json',
    });
    expect(parsed.ok && parsed.value).not.toHaveProperty('heartbeatPeriodSeconds');
  });

  it("given status active (as the IG's examples send), reads it as requested; given off, as off", () => {
    const active = parseSubscription(admission({ status: 'active' }), options);
    expect(active.ok && active.value.requestedStatus).toBe('requested');
    const off = parseSubscription(admission({ status: 'off' }), options);
    expect(off.ok && off.value.requestedStatus).toBe('off');
  });

  it('given a websocket channel, needs no endpoint', () => {
    const parsed = parseSubscription(
      admission({}, { type: 'websocket', endpoint: undefined, header: undefined }),
      options,
    );
    expect(parsed.ok && parsed.value.channel).toEqual({ type: 'websocket' });
  });

  it('given what is not a Subscription, refuses it whole', () => {
    expect(issuesOf({ resourceType: 'Patient' })).toEqual([
      {
        severity: 'error',
        code: 'invalid',
        expression: 'Subscription',
        diagnostics: 'the body must be a Subscription resource',
      },
    ]);
    expect(issuesOf([admission()])).toHaveLength(1);
  });

  it('given several problems, reports every one, each at its element', () => {
    const issues = issuesOf(
      admission(
        { status: 'error', reason: '', end: '2020-01-01T00:00:00Z' },
        { endpoint: 'http://ehr.example.nhs.uk/n' },
      ),
    );
    expect(issues.map((found) => [found.code, found.expression])).toEqual([
      ['value', 'Subscription.status'],
      ['required', 'Subscription.reason'],
      ['value', 'Subscription.end'],
      ['value', 'Subscription.channel.endpoint'],
    ]);
  });

  it('given an unknown topic, names the topics Crosscare serves', () => {
    const [found] = issuesOf(admission({ criteria: 'http://hl7.org/SubscriptionTopic/admission' }));
    expect(found).toMatchObject({ code: 'value', expression: 'Subscription.criteria' });
    expect(found?.diagnostics).toContain('https://fhir.crosscare.nhs.uk/SubscriptionTopic/results-available');
  });

  it('given an R4 query as criteria, says query-based subscriptions are not supported', () => {
    const [found] = issuesOf(admission({ criteria: `Encounter?patient=${nhsNumber}` }));
    expect(found).toMatchObject({ code: 'not-supported', expression: 'Subscription.criteria' });
  });

  it('given filter problems, reports them at the extension that holds them', () => {
    const criteria = {
      extension: [
        { url: 'http://example.org/other' },
        { url: `${BACKPORT}/backport-filter-criteria`, valueString: 'ics=QXX' },
      ],
    };
    expect(issuesOf(admission({ _criteria: criteria })).map((found) => found.expression)).toEqual([
      'Subscription.criteria.extension[1].value',
      'Subscription.criteria',
    ]);
  });

  it("given registered-with another organisation's practice, refuses it", () => {
    const criteria = {
      extension: [{ url: `${BACKPORT}/backport-filter-criteria`, valueString: 'registered-with=M01358' }],
    };
    const [found] = issuesOf(admission({ _criteria: criteria }), { ...options, subscriberOdsCode: 'm99999' });
    expect(found?.diagnostics).toBe('registered-with must be your own practice (M99999)');
    expect(
      parseSubscription(admission({ _criteria: criteria }), { ...options, subscriberOdsCode: 'M01358' }).ok,
    ).toBe(true);
  });

  it.each([
    ['email', 'email is not a secure channel'],
    ['message', 'FHIR messaging'],
    ['carrier-pigeon', '"carrier-pigeon" is not one'],
  ])('given channel type %s, refuses it as not supported', (type, diagnostic) => {
    const [found] = issuesOf(admission({}, { type }));
    expect(found).toMatchObject({ code: 'not-supported', expression: 'Subscription.channel.type' });
    expect(found?.diagnostics).toContain(diagnostic);
  });

  it('given a custom channel type extension, refuses it', () => {
    const custom = {
      extension: [{ url: `${BACKPORT}/backport-channel-type`, valueCoding: { code: 'zulip' } }],
    };
    expect(issuesOf(admission({}, { _type: custom }))[0]?.diagnostics).toContain('custom channel types');
  });

  it('given channel headers on a websocket, refuses them', () => {
    const [found] = issuesOf(admission({}, { type: 'websocket', endpoint: undefined }));
    expect(found).toMatchObject({ code: 'not-supported', expression: 'Subscription.channel.header' });
  });

  it('given an http endpoint, accepts it only when development allows', () => {
    const http = admission({}, { endpoint: 'http://ehr.example.nhs.uk/n' });
    expect(issuesOf(http)[0]?.diagnostics).toBe('the endpoint must use https');
    expect(parseSubscription(http, { ...options, allowHttpEndpoints: true }).ok).toBe(true);
  });

  it.each([
    ['not a URL', 'notifications', 'not an absolute URL'],
    ['credentials', 'https://user:pass@ehr.example.nhs.uk/n', 'must not carry credentials'],
    ['a fragment', 'https://ehr.example.nhs.uk/n#x', 'fragment'],
    ['localhost', 'https://localhost:8443/n', 'private network'],
    ['a private address', 'https://10.1.2.3/n', 'private network'],
    ['the metadata address', 'https://169.254.169.254/latest', 'private network'],
    ['IPv6 loopback', 'https://[::1]/n', 'private network'],
    ['ftp', 'ftp://ehr.example.nhs.uk/n', 'not ftp:'],
  ])('given an endpoint with %s, refuses it', (_label, endpoint, diagnostic) => {
    const [found] = issuesOf(admission({}, { endpoint }));
    expect(found).toMatchObject({ code: 'value', expression: 'Subscription.channel.endpoint' });
    expect(found?.diagnostics).toContain(diagnostic);
  });

  it('given a local endpoint in development, accepts it', () => {
    const local = admission({}, { endpoint: 'http://localhost:9999/n' });
    expect(
      parseSubscription(local, { ...options, allowHttpEndpoints: true, allowLocalEndpoints: true }).ok,
    ).toBe(true);
  });

  it.each([
    ['no colon', ['Authorization Bearer x'], 'invalid', '"Name: value"'],
    ['a bad name', ['Bad Name: x'], 'value', 'not a valid HTTP header name'],
    ['a header Crosscare sets', ['Content-Type: text/plain'], 'value', 'set by Crosscare'],
    ['a proxy header', ['Proxy-Foo: x'], 'value', 'set by Crosscare'],
    ['a line break', ['X-Key: a\r\nHost: evil'], 'value', 'line break'],
    ['no value', ['X-Key: '], 'value', 'no value'],
    ['a repeated name', ['X-Key: a', 'x-key: b'], 'invalid', 'more than once'],
    ['six headers', ['A: 1', 'B: 2', 'C: 3', 'D: 4', 'E: 5', 'F: 6'], 'value', 'at most 5'],
    ['5 KB', [`X-Key: ${'k'.repeat(5000)}`], 'value', '4096 bytes'],
  ])(
    'given a channel header with %s, refuses it without echoing its value',
    (_label, header, code, diagnostic) => {
      const issues = issuesOf(admission({}, { header }));
      expect(issues).toHaveLength(1);
      expect(issues[0]).toMatchObject({ code });
      expect(issues[0]?.diagnostics).toContain(diagnostic);
      expect(issues[0]?.diagnostics).not.toMatch(/evil|kkkk|Bearer/);
    },
  );

  it.each([
    ['application/fhir+xml', 'application/fhir+json only'],
    ['application/fhir+json; fhirVersion=4.3', 'fhirVersion=4.3'],
  ])('given payload type %s, refuses it', (payload, diagnostic) => {
    const [found] = issuesOf(admission({}, { payload }));
    expect(found).toMatchObject({ code: 'not-supported', expression: 'Subscription.channel.payload' });
    expect(found?.diagnostics).toContain(diagnostic);
  });

  it('given payload type naming R4, accepts it', () => {
    expect(
      parseSubscription(admission({}, { payload: 'application/fhir+json; fhirVersion=4.0' }), options).ok,
    ).toBe(true);
  });

  it('given an unknown payload content, refuses it at the extension', () => {
    const _payload = {
      extension: [{ url: `${BACKPORT}/backport-payload-content`, valueCode: 'everything' }],
    };
    expect(issuesOf(admission({}, { _payload }))[0]).toMatchObject({
      code: 'value',
      expression: 'Subscription.channel.payload.extension[0].value',
    });
  });

  it.each([
    [
      'a heartbeat under 10 s',
      'backport-heartbeat-period',
      'valueUnsignedInt',
      5,
      'value',
      'between 10 and 86400',
    ],
    ['a timeout over a minute', 'backport-timeout', 'valueUnsignedInt', 120, 'value', 'between 1 and 60'],
    ['a max count of 500', 'backport-max-count', 'valuePositiveInt', 500, 'value', 'between 1 and 100'],
    ['a max count that is text', 'backport-max-count', 'valuePositiveInt', '20', 'invalid', 'whole number'],
    [
      'a timeout of the wrong type',
      'backport-timeout',
      'valueInteger',
      30,
      'invalid',
      'needs a valueUnsignedInt',
    ],
  ])('given %s, refuses it', (_label, id, key, value, code, diagnostic) => {
    const [found] = issuesOf(admission({}, { extension: [{ url: `${BACKPORT}/${id}`, [key]: value }] }));
    expect(found).toMatchObject({ code });
    expect(found?.expression).toMatch(/^Subscription\.channel\.extension\[0\]/);
    expect(found?.diagnostics).toContain(diagnostic);
  });

  it('given an extension allowed once given twice, refuses it', () => {
    const twice = [
      { url: `${BACKPORT}/backport-timeout`, valueUnsignedInt: 30 },
      { url: `${BACKPORT}/backport-timeout`, valueUnsignedInt: 40 },
    ];
    expect(issuesOf(admission({}, { extension: twice }))[0]?.diagnostics).toContain('given 2 times');
  });

  it('given a modifier extension, refuses it: its meaning is unknown', () => {
    const [found] = issuesOf(
      admission({ modifierExtension: [{ url: 'http://example.org/m', valueBoolean: true }] }),
    );
    expect(found).toMatchObject({ code: 'not-supported', expression: 'Subscription.modifierExtension' });
  });

  it('given an end without a time zone, refuses it', () => {
    expect(issuesOf(admission({ end: '2027-06-30T00:00:00' }))[0]?.expression).toBe('Subscription.end');
  });
});

describe('renderSubscription', () => {
  const parsed = parseSubscription(admission(), options);
  if (!parsed.ok) throw new Error('the example must parse');
  const { requestedStatus: _requested, ...request } = parsed.value;
  const stored: StoredSubscription = {
    ...request,
    id: '3f6a4c1e-0d2b-4b7a-9c8e-5a1d2e3f4a5b',
    status: 'active',
    versionId: 2,
    lastUpdated: '2026-12-01T09:00:00.000Z',
    ownerOdsCode: 'M01358',
  };
  const rendered = renderSubscription(stored);

  it('is an R4 Subscription in the backport profile, with its id, version and status', () => {
    expect(rendered).toMatchObject({
      resourceType: 'Subscription',
      id: stored.id,
      meta: {
        versionId: '2',
        lastUpdated: stored.lastUpdated,
        profile: [`${BACKPORT}/backport-subscription`],
      },
      status: 'active',
      reason: stored.reason,
      end: '2027-06-30T00:00:00.000Z',
      criteria: 'https://fhir.crosscare.nhs.uk/SubscriptionTopic/encounter-started',
    });
  });

  it("hides every channel header's value, keeping its name", () => {
    expect(rendered.channel.header).toEqual(['Authorization: ***']);
    expect(JSON.stringify(rendered)).not.toContain('secret-token');
  });

  it('parses back to the same request, headers aside', () => {
    const again = parseSubscription({ ...rendered, status: 'requested' }, options);
    expect(again.ok && { ...again.value, channel: { ...again.value.channel, headers: [] } }).toEqual({
      ...parsed.value,
      channel: { ...parsed.value.channel, headers: [] },
    });
  });

  it('carries the error of a subscription in error, and no endpoint for a websocket', () => {
    const websocket = renderSubscription({
      ...stored,
      status: 'error',
      error: 'no response',
      channel: { type: 'websocket' },
    });
    expect(websocket).toMatchObject({
      status: 'error',
      error: 'no response',
      channel: { type: 'websocket' },
    });
    expect(websocket.channel).not.toHaveProperty('endpoint');
    expect(websocket.channel).not.toHaveProperty('header');
  });
});
