import { ReadModelControl, openReadModel } from '@crosscare/read-model';
import { type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import type { Provider } from '@crosscare/governance';
import { type PatientRecord } from '@crosscare/projection';
import { testEvents } from '@crosscare/projection/testing';
import { uniqueIdentifier, uniqueName } from '@crosscare/testing';
import type { Bundle, Provenance, Resource } from '@medplum/fhirtypes';
import { ConfigResourceTypes } from 'kafkajs';
import type { SharedRecordDocument } from './record/shared-record-document';
import { RecordApiUnderTest, storeLocalRecord, storeRemoteRecord } from './testing/record-api-under-test';

const HOUR = 3_600_000;
const PATIENT = testNhsNumber(101);
const RETIRED = testNhsNumber(102);
const UNKNOWN = testNhsNumber(103);
const LOCAL_SEQUENCE = 3;
const REMOTE_SEQUENCE = 8;

/** The record API, and the CCR read model it reads holding PATIENT's record (three items, one restricted). */
interface RecordApiFixture {
  readonly api: RecordApiUnderTest;
  readonly gp: Provider;
  readonly acute: Provider;
  readonly council: Provider;
  readonly problem: RecordChangeEvent;
  readonly encounter: RecordChangeEvent;
  readonly safeguarding: RecordChangeEvent;
}

async function startRecordApi(): Promise<RecordApiFixture> {
  const api = await RecordApiUnderTest.start();
  const directory = api.services.directory;
  const gp = directory.providers({ ics: 'QHL', type: 'GP_PRACTICE' })[0];
  const acute = directory.providers({ ics: 'QNC', type: 'ACUTE_TRUST' })[0];
  const council = directory.providers({ ics: 'QHL', type: 'LOCAL_AUTHORITY' })[0];
  const now = Date.now();
  const from = (provider: Provider) => ({
    providerOdsCode: provider.odsCode,
    ics: provider.ics,
    collaborative: provider.collaborative,
    nhsNumber: PATIENT,
  });

  const problem = testEvents.ProblemRecorded({
    header: { ...from(gp), sourceRecordId: 'gp-problem-1', occurredAt: now - 48 * HOUR },
  });
  const safeguarding = testEvents.SocialCareInvolvementRecorded({
    header: { ...from(council), sourceRecordId: 'safeguarding-1', occurredAt: now - 24 * HOUR },
    involvementType: 'SAFEGUARDING',
    recordKind: 'SAFEGUARDING',
    allocatedTeam: 'Integration Test Safeguarding Team',
    restricted: true,
  });
  const encounter = testEvents.EncounterStarted({
    header: { ...from(acute), sourceRecordId: 'ae-attendance-1', occurredAt: now - 6 * HOUR },
    startedAt: now - 6 * HOUR,
  });
  await storeLocalRecord(api.readModel, PATIENT, LOCAL_SEQUENCE, [problem, safeguarding]);
  await storeLocalRecord(api.readModel, RETIRED, 1, [], PATIENT);
  const ohc: PatientRecord = {
    nhsNumber: PATIENT,
    collaborative: 'OHC',
    sequence: REMOTE_SEQUENCE,
    updatedAt: now - HOUR,
    mergedInto: null,
    mergedFrom: [],
    items: [encounter],
  };
  await storeRemoteRecord(api.readModel, ohc);
  return { api, gp, acute, council, problem, encounter, safeguarding };
}

/** Reads a record as a clinician at `gp`, whose problem is in PATIENT's record: a relationship (CARE_PROVIDER). */
const readerOf =
  ({ api, gp }: Pick<RecordApiFixture, 'api' | 'gp'>) =>
  (nhsNumber: string, headers: Record<string, string> = {}, query = '') => {
    const correlationId = uniqueName('corr');
    return api
      .get(`/patients/${nhsNumber}/record${query}`, {
        authorization: `Bearer ${api.token({ org: gp.odsCode })}`,
        'x-purpose-of-use': 'DIRECT_CARE',
        'x-correlation-id': correlationId,
        ...headers,
      })
      .then((answer) => ({ answer, correlationId }));
  };

/** The record API over a real broker, registry and Postgres, reading a CCR read model the test writes. */
describe('record API (real broker, registry and Postgres)', () => {
  let api: RecordApiUnderTest;
  let gp: Provider;
  let acute: Provider;
  let council: Provider;
  let problem: RecordChangeEvent;
  let encounter: RecordChangeEvent;

  beforeAll(async () => {
    ({ api, gp, acute, council, problem, encounter } = await startRecordApi());
  });
  afterAll(() => api?.close());

  const read = (nhsNumber: string, headers: Record<string, string> = {}, query = '') =>
    readerOf({ api, gp })(nhsNumber, headers, query);

  it('answers health checks without a token', async () => {
    expect((await api.get('/health/live')).status).toBe(200);
    const ready = await api.get('/health');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'UP', database: 'UP', readModel: { status: 'UP' } });
  });

  it('created the audit topic: 6 partitions, kept forever', async () => {
    const admin = await api.kafka.connectedAdmin();
    const metadata = await admin.fetchTopicMetadata({ topics: [api.auditTopic] });
    expect(metadata.topics[0].partitions).toHaveLength(6);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: api.auditTopic, configNames: ['retention.ms'] }],
    });
    expect(configs.resources[0].configEntries).toEqual([
      expect.objectContaining({ configName: 'retention.ms', configValue: '-1' }),
    ]);
  });

  it('returns the JSON record across both collaboratives, each item with its provenance', async () => {
    const { answer, correlationId } = await read(PATIENT);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('x-correlation-id')).toBe(correlationId);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ nhsNumber: PATIENT, requestedNhsNumber: PATIENT, mergedInto: null });
    expect(answer.body.problems).toHaveLength(1);
    expect(answer.body.problems[0].provenance).toMatchObject({
      providerOdsCode: gp.odsCode,
      providerName: gp.name,
      ics: 'QHL',
      collaborative: 'CCR',
      eventId: problem.header.eventId,
    });
    expect(answer.body.encounters).toHaveLength(1);
    expect(answer.body.encounters[0].started.provenance).toMatchObject({
      providerOdsCode: acute.odsCode,
      providerName: acute.name,
      ics: 'QNC',
      collaborative: 'OHC',
      eventId: encounter.header.eventId,
    });
    expect(answer.body.sources).toEqual([
      expect.objectContaining({ collaborative: 'CCR', nhsNumber: PATIENT, sequence: LOCAL_SEQUENCE }),
      expect.objectContaining({ collaborative: 'OHC', nhsNumber: PATIENT, sequence: REMOTE_SEQUENCE }),
    ]);
  });

  it('audits the read on the audit topic: reader, role, organisation, purpose, patient and sequence numbers', async () => {
    const { answer, correlationId } = await read(PATIENT, {
      authorization: `Bearer ${api.token({ sub: 'u-42', name: 'Dr Audit Reader', role: 'R8000', org: acute.odsCode.toLowerCase() })}`,
      'x-purpose-of-use': 'EMERGENCY_CARE',
      // No proxy is trusted by default: a client cannot put another address in the audit trail.
      'x-forwarded-for': '203.0.113.7',
    });
    expect(answer.status).toBe(200);

    const [audited] = await api.auditedReads(correlationId);

    expect(audited.key).toBe(PATIENT);
    expect(audited.event).toMatchObject({
      user: { id: 'u-42', name: 'Dr Audit Reader', role: 'R8000' },
      organisationOdsCode: acute.odsCode,
      purposeOfUse: 'EMERGENCY_CARE',
      nhsNumber: PATIENT,
      resolvedNhsNumber: PATIENT,
      outcome: 'RETURNED',
      format: 'JSON',
      sources: [
        { collaborative: 'CCR', nhsNumber: PATIENT, sequence: LOCAL_SEQUENCE },
        { collaborative: 'OHC', nhsNumber: PATIENT, sequence: REMOTE_SEQUENCE },
      ],
      itemCount: 2,
      restrictedWithheld: 1,
      correlationId,
      identityVerified: true,
      tokenIssuer: api.issuer.issuer,
      relationship: 'CARE_PROVIDER',
      denial: null,
      breakGlassReason: null,
    });
    expect(audited.event.auditId).toMatch(/^[0-9a-f-]{36}$/);
    expect(audited.event.clientIp).toMatch(/127\.0\.0\.1|::1/);
  });

  it('returns a FHIR Bundle with both items and their Provenance, by Accept or by _format', async () => {
    const byAccept = await read(PATIENT, { accept: 'application/fhir+json' });
    const byParameter = await read(PATIENT, {}, '?_format=fhir');

    for (const { answer, correlationId } of [byAccept, byParameter]) {
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      const bundle = answer.body as Bundle;
      const resources = (bundle.entry ?? []).map((e) => e.resource as Resource);
      const types = resources.map((r) => r.resourceType);
      expect(types).toEqual(expect.arrayContaining(['Patient', 'Condition', 'Encounter', 'Provenance']));
      const provenance = resources.filter((r): r is Provenance => r.resourceType === 'Provenance');
      const agents = provenance.map((p) => p.agent[0].who?.identifier?.value);
      expect(agents).toEqual(expect.arrayContaining([gp.odsCode, acute.odsCode]));

      const [audited] = await api.auditedReads(correlationId);
      expect(bundle.id).toBe(audited.event.auditId);
      expect(audited.event).toMatchObject({ format: 'FHIR', itemCount: provenance.length });
    }
  });

  it('withholds the restricted safeguarding item except from a safeguarding lead reading for SAFEGUARDING', async () => {
    const direct = await read(PATIENT);
    const safeguardingRead = await read(PATIENT, {
      authorization: `Bearer ${api.token({ org: council.odsCode, role: 'safeguarding-lead' })}`,
      'x-purpose-of-use': 'SAFEGUARDING',
    });

    expect(direct.answer.body.socialCare).toEqual({ involvements: [], restrictedWithheld: 1 });
    expect(direct.answer.text).not.toContain('Integration Test Safeguarding Team');
    expect(safeguardingRead.answer.body.socialCare.restrictedWithheld).toBe(0);
    expect(safeguardingRead.answer.body.socialCare.involvements[0]).toMatchObject({
      involvementType: 'SAFEGUARDING',
      allocatedTeam: 'Integration Test Safeguarding Team',
      restricted: true,
    });
    const [audited] = await api.auditedReads(safeguardingRead.correlationId);
    expect(audited.event).toMatchObject({
      purposeOfUse: 'SAFEGUARDING',
      restrictedWithheld: 0,
      itemCount: 3,
    });
  });

  it('answers a retired NHS number with the survivor record, and says so in JSON and FHIR', async () => {
    const json = await read(RETIRED);
    const fhir = await read(RETIRED, { accept: 'application/fhir+json' });

    expect(json.answer.status).toBe(200);
    expect(json.answer.body).toMatchObject({
      nhsNumber: PATIENT,
      requestedNhsNumber: RETIRED,
      mergedInto: PATIENT,
    });
    expect(json.answer.body.problems[0].provenance.eventId).toBe(problem.header.eventId);
    const patients = (fhir.answer.body as Bundle).entry
      ?.map((e) => e.resource as Resource)
      .filter((r) => r.resourceType === 'Patient');
    expect(patients).toEqual([
      expect.objectContaining({ link: [expect.objectContaining({ type: 'replaces' })] }),
      expect.objectContaining({
        active: false,
        identifier: [expect.objectContaining({ value: RETIRED })],
        link: [expect.objectContaining({ type: 'replaced-by' })],
      }),
    ]);
    const [audited] = await api.auditedReads(json.correlationId);
    expect(audited.key).toBe(PATIENT);
    expect(audited.event).toMatchObject({
      nhsNumber: RETIRED,
      resolvedNhsNumber: PATIENT,
      outcome: 'RETURNED',
    });
  });

  it('answers 400 to an invalid NHS number, in the format asked for, and audits the refusal without the number', async () => {
    const short = await read(PATIENT.slice(0, 9));
    const badCheck = await read(`${PATIENT.slice(0, 9)}${(Number(PATIENT[9]) + 1) % 10}`, {
      accept: 'application/fhir+json',
    });

    expect(short.answer.status).toBe(400);
    expect(short.answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(short.answer.body.detail).toBe('an NHS number has 10 digits');
    expect(badCheck.answer.status).toBe(400);
    expect(badCheck.answer.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ diagnostics: 'the NHS number fails its modulus-11 check digit' }],
    });
    for (const { correlationId } of [short, badCheck]) {
      const [audited] = await api.auditedReads(correlationId);
      expect(audited.key).toBeNull();
      expect(audited.event).toMatchObject({ outcome: 'DENIED', denial: 'INVALID_REQUEST', nhsNumber: null });
    }
  });

  it('answers an unknown patient as any patient without a relationship (403), and 404 only once the glass is broken', async () => {
    const refused = await read(UNKNOWN);
    const brokeGlass = await read(UNKNOWN, {
      'x-purpose-of-use': 'EMERGENCY_CARE',
      'x-break-glass-reason': 'collapsed in clinic, no records held here',
    });

    expect(refused.answer.status).toBe(403);
    expect(brokeGlass.answer.status).toBe(404);
    expect(brokeGlass.answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const [denied] = await api.auditedReads(refused.correlationId);
    expect(denied.event).toMatchObject({ outcome: 'DENIED', denial: 'NO_RELATIONSHIP', nhsNumber: UNKNOWN });
    const [notFound] = await api.auditedReads(brokeGlass.correlationId);
    expect(notFound.event).toMatchObject({
      nhsNumber: UNKNOWN,
      resolvedNhsNumber: UNKNOWN,
      outcome: 'NOT_FOUND',
      sources: [],
      itemCount: 0,
    });
    expect(await api.alertsFor(brokeGlass.correlationId)).toEqual([
      expect.objectContaining({ kind: 'BREAK_GLASS', nhsNumber: UNKNOWN }),
    ]);
  });

  it('answers 401 with a Bearer challenge to a missing, forged, expired or misdirected token, and audits each refusal', async () => {
    const forged = `${api.token().slice(0, -4)}AAAA`;
    const answers = await Promise.all([
      read(PATIENT, { authorization: '' }),
      read(PATIENT, { authorization: `Bearer ${forged}` }),
      read(PATIENT, { authorization: `Bearer ${api.token({ exp: Math.floor(Date.now() / 1000) - 3600 })}` }),
      read(PATIENT, { authorization: `Bearer ${api.token({ iss: 'someone-else' })}` }),
      read(PATIENT, { authorization: `Bearer ${api.token({ aud: 'another-service' })}` }),
      read(PATIENT, { authorization: `Bearer ${api.issuer.token({}, { alg: 'none' })}` }),
      read(PATIENT, { authorization: `Bearer ${api.issuer.token({}, { alg: 'HS256' })}` }),
      read(PATIENT, { authorization: `Bearer ${api.issuer.token({}, { lifetimeSeconds: 7200 })}` }),
      read(PATIENT, { authorization: `Bearer ${api.issuer.token({}, { kid: 'a-key-never-published' })}` }),
    ]);

    for (const { answer, correlationId } of answers) {
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="crosscare-record-api"');
      expect(answer.text).not.toContain(problem.header.eventId);
      const [audited] = await api.auditedReads(correlationId, 1, 0);
      expect(audited.event).toMatchObject({
        outcome: 'DENIED',
        denial: 'BAD_TOKEN',
        identityVerified: false,
        sources: [],
        reason: answer.body.detail,
      });
    }
  });

  it('answers 400 when the purpose of use is missing or unknown', async () => {
    const missing = await read(PATIENT, { 'x-purpose-of-use': '' });
    const unknown = await read(PATIENT, { 'x-purpose-of-use': 'MARKETING' });
    expect([missing.answer.status, unknown.answer.status]).toEqual([400, 400]);
    expect(missing.answer.body.location).toBe('X-Purpose-Of-Use');
    const [audited] = await api.auditedReads(unknown.correlationId);
    expect(audited.event).toMatchObject({
      denial: 'INVALID_REQUEST',
      purposeOfUse: null,
      identityVerified: true,
    });
  });

  it("follows a projector rebuild's switch of the read model to a fresh schema", async () => {
    const database = api.services.config.database;
    const control = await ReadModelControl.open(database, 'crosscare-record-api-test');
    const rebuiltSchema = uniqueIdentifier('test_record_api_rebuilt');
    const rebuilt = await openReadModel(database, rebuiltSchema, 'crosscare-record-api-test');
    try {
      await storeLocalRecord(rebuilt, PATIENT, 42, [problem]);
      const before = await read(PATIENT);
      await control.activeSchema(api.readModelName);
      await control.switchTo(api.readModelName, rebuiltSchema, () => Promise.resolve());

      const after = await read(PATIENT);

      expect((before.answer.body as SharedRecordDocument).sources.map((source) => source.sequence)).toEqual([
        LOCAL_SEQUENCE,
        REMOTE_SEQUENCE,
      ]);
      expect(after.answer.body.sources).toEqual([
        expect.objectContaining({ collaborative: 'CCR', sequence: 42 }),
      ]);
      expect(after.answer.body.encounters).toEqual([]);
      const [audited] = await api.auditedReads(after.correlationId);
      expect(audited.event.sources).toEqual([{ collaborative: 'CCR', nhsNumber: PATIENT, sequence: 42 }]);
    } finally {
      await control.db.query('delete from active_read_model where name = $1', [api.readModelName]);
      await rebuilt.query(`drop schema "${rebuiltSchema}" cascade`);
      await Promise.allSettled([rebuilt.destroy(), control.close()]);
    }
  });
});

/** With a record API of its own: the test takes the audit path down for good. */
describe('record API whose audit cannot be written (real broker, registry and Postgres)', () => {
  let fixture: RecordApiFixture;

  beforeAll(async () => {
    fixture = await startRecordApi();
  });
  afterAll(() => fixture?.api.close());

  it('answers 503 with no record data when the audit cannot be written', async () => {
    const { api, gp, problem, encounter, safeguarding } = fixture;
    const read = readerOf(fixture);
    await api.services.auditProducer.disconnect();
    const before = await api.auditOffsets();

    const json = await read(PATIENT);
    const fhir = await read(PATIENT, { accept: 'application/fhir+json' });

    for (const { answer } of [json, fhir]) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      for (const event of [problem, encounter, safeguarding])
        expect(answer.text).not.toContain(event.header.eventId);
      expect(answer.text).not.toContain(gp.name);
    }
    expect(json.answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(fhir.answer.body.resourceType).toBe('OperationOutcome');
    expect(await api.auditOffsets()).toBe(before);
  });
});

describe('record API behind a gateway (RECORD_API_TRUSTED_PROXIES)', () => {
  let api: RecordApiUnderTest;

  beforeAll(async () => {
    api = await RecordApiUnderTest.start({ RECORD_API_TRUSTED_PROXIES: 'loopback' });
  });
  afterAll(() => api?.close());

  it('audits the address the trusted proxy forwarded, not the proxy', async () => {
    const correlationId = uniqueName('corr');

    const answer = await api.get(`/patients/${UNKNOWN}/record`, {
      authorization: `Bearer ${api.token({ org: 'RHA' })}`,
      'x-purpose-of-use': 'DIRECT_CARE',
      'x-correlation-id': correlationId,
      'x-forwarded-for': '203.0.113.7',
    });

    expect(answer.status).toBe(403);
    const [audited] = await api.auditedReads(correlationId);
    expect(audited.event).toMatchObject({ outcome: 'DENIED', clientIp: '203.0.113.7' });
  });
});
