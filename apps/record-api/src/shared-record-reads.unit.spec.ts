import { testNhsNumber } from '@crosscare/events/synthetic';
import { loadTrustedIssuers, ReaderTokenVerifier } from '@crosscare/identity';
import { TestIssuer } from '@crosscare/identity/testing';
import type { RecordAccessed } from './audit/record-accessed';
import type { PatientRecordSet } from './record/patient-record-set';
import type { SharedRecordDocument } from './record/shared-record-document';
import { SharedRecordReads, type RecordReadRequest } from './shared-record-reads';
import {
  ccrSnapshot,
  EVENTS,
  ohcSnapshot,
  PATIENT,
  recordSet,
  RETIRED,
  TEST_NOW,
} from './testing/record-set-fixtures';

const AUDIT_ID = '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a';
const UNKNOWN = testNhsNumber(99);
const OTHER = testNhsNumber(5);
/** OTHER with its check digit changed: ten digits, failing modulus 11. */
const BAD_CHECK_DIGIT = `${OTHER.slice(0, 9)}${(Number(OTHER[9]) + 1) % 10}`;

let issuer: TestIssuer;
let tokens: ReaderTokenVerifier;
beforeAll(async () => {
  issuer = await TestIssuer.create({ issuer: 'test' });
  tokens = new ReaderTokenVerifier({
    issuers: loadTrustedIssuers(issuer.trustedIssuersFile, 'production'),
    clock: () => TEST_NOW,
  });
});
afterAll(() => issuer.close());

function tokenFor(overrides: Record<string, unknown> = {}): string {
  return issuer.token({ sub: 'u1', name: 'Dr A Clinician', ...overrides }, { now: TEST_NOW });
}

/** The reads over fakes: a read model holding PATIENT (and RETIRED merged into it), an audit trail that records. */
function given(options: { audit?: (event: RecordAccessed) => Promise<void> } = {}) {
  const audited: RecordAccessed[] = [];
  const loaded: string[] = [];
  const failures: unknown[] = [];
  const sut = new SharedRecordReads({
    records: {
      loadPatient(nhsNumber: string): Promise<PatientRecordSet> {
        loaded.push(nhsNumber);
        if (nhsNumber === PATIENT || nhsNumber === RETIRED)
          return Promise.resolve(recordSet([ccrSnapshot(4), ohcSnapshot(7)], nhsNumber));
        return Promise.resolve({ ...recordSet([], nhsNumber), nhsNumber, mergedInto: null, mergedFrom: [] });
      },
    },
    audit: {
      record: (event) =>
        (options.audit ? options.audit(event) : Promise.resolve()).then(() => void audited.push(event)),
    },
    tokens,
    providerName: () => undefined,
    clock: () => TEST_NOW,
    newAuditId: () => AUDIT_ID,
    onAuditFailure: (error) => failures.push(error),
  });
  return { sut, audited, loaded, failures };
}

const request = (overrides: Partial<RecordReadRequest> = {}): RecordReadRequest => ({
  nhsNumber: PATIENT,
  authorization: `Bearer ${tokenFor()}`,
  purposeOfUse: 'DIRECT_CARE',
  correlationId: 'corr-1',
  clientIp: '10.0.0.9',
  ...overrides,
});

describe('reading a shared record', () => {
  it('given a valid read, when answered, then the JSON record is sent and its audit event names reader, purpose and versions', async () => {
    const { sut, audited } = given();

    const answer = await sut.read(request());

    expect(answer.status).toBe(200);
    expect(answer.headers['Content-Type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(answer.body);
    expect(body.problems[0].provenance.eventId).toBe(EVENTS.problem.header.eventId);
    expect(body.encounters[0].started.provenance.collaborative).toBe('OHC');
    expect(audited).toEqual([
      {
        auditId: AUDIT_ID,
        occurredAt: TEST_NOW,
        user: { id: 'u1', name: 'Dr A Clinician', role: 'clinician' },
        organisationOdsCode: 'RHA',
        purposeOfUse: 'DIRECT_CARE',
        nhsNumber: PATIENT,
        resolvedNhsNumber: PATIENT,
        outcome: 'RETURNED',
        format: 'JSON',
        sources: [
          { collaborative: 'CCR', nhsNumber: PATIENT, sequence: 4 },
          { collaborative: 'OHC', nhsNumber: PATIENT, sequence: 7 },
        ],
        itemCount: 4,
        restrictedWithheld: 1,
        correlationId: 'corr-1',
        clientIp: '10.0.0.9',
      },
    ]);
  });

  it('given an audit that is slow to acknowledge, when answered, then nothing is answered before it is written', async () => {
    let acknowledge: () => void = () => undefined;
    const { sut } = given({ audit: () => new Promise<void>((resolve) => (acknowledge = resolve)) });

    const answer = sut.read(request());
    const early = await Promise.race([
      answer.then(() => 'answered'),
      new Promise((r) => setTimeout(r, 20, 'waiting')),
    ]);
    acknowledge();

    expect(early).toBe('waiting');
    expect((await answer).status).toBe(200);
  });

  it('given Accept: application/fhir+json, when answered, then a Bundle whose id is the audit id is sent', async () => {
    const { sut, audited } = given();

    const answer = await sut.read(request({ accept: 'application/fhir+json' }));

    expect(answer.headers['Content-Type']).toBe('application/fhir+json; charset=utf-8');
    expect(JSON.parse(answer.body)).toMatchObject({ resourceType: 'Bundle', id: AUDIT_ID });
    expect(audited[0]).toMatchObject({ format: 'FHIR', outcome: 'RETURNED', restrictedWithheld: 1 });
  });

  // Tokens are made when each test runs, once the issuer exists.
  it.each<[string, () => Partial<RecordReadRequest>]>([
    ['no Authorization', () => ({ authorization: undefined })],
    ['a Basic credential', () => ({ authorization: 'Basic dXNlcjpwYXNz' })],
    ['a token of another issuer', () => ({ authorization: `Bearer ${tokenFor({ iss: 'elsewhere' })}` })],
    [
      'an expired token',
      () => ({
        authorization: `Bearer ${tokenFor({ iat: TEST_NOW / 1000 - 4000, exp: TEST_NOW / 1000 - 3600 })}`,
      }),
    ],
  ])(
    'given %s, when answered, then 401 with a Bearer challenge, nothing read or audited',
    async (_, overrides) => {
      const { sut, audited, loaded } = given();

      const answer = await sut.read(request(overrides()));

      expect(answer.status).toBe(401);
      expect(answer.headers['WWW-Authenticate']).toMatch(/^Bearer /);
      expect(audited).toEqual([]);
      expect(loaded).toEqual([]);
    },
  );

  it.each([
    ['no purpose of use', { purposeOfUse: undefined }, 'X-Purpose-Of-Use'],
    ['an unknown purpose of use', { purposeOfUse: 'RESEARCH' }, 'X-Purpose-Of-Use'],
    ['a number of 9 digits', { nhsNumber: OTHER.slice(0, 9) }, 'nhsNumber'],
    ['a number failing modulus 11', { nhsNumber: BAD_CHECK_DIGIT }, 'nhsNumber'],
  ])(
    'given %s, when answered, then 400 naming the problem, nothing read or audited',
    async (_, overrides, location) => {
      const { sut, audited, loaded } = given();

      const answer = await sut.read(request(overrides));

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 400, location });
      expect(audited).toEqual([]);
      expect(loaded).toEqual([]);
    },
  );

  it('given a FHIR reader and an invalid number, when answered, then 400 is an OperationOutcome', async () => {
    const { sut } = given();
    const answer = await sut.read(request({ nhsNumber: '12345', formatParameter: 'fhir' }));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'value', diagnostics: 'an NHS number has 10 digits' }],
    });
  });

  it('given an unknown patient, when answered, then 404, and the attempt is audited as NOT_FOUND', async () => {
    const { sut, audited } = given();

    const answer = await sut.read(request({ nhsNumber: UNKNOWN }));

    expect(answer.status).toBe(404);
    expect(answer.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      outcome: 'NOT_FOUND',
      nhsNumber: UNKNOWN,
      resolvedNhsNumber: UNKNOWN,
      sources: [],
      itemCount: 0,
    });
  });

  it('given a spaced NHS number, when answered, then it is read and audited in its ten-digit form', async () => {
    const { sut, audited } = given();
    const spaced = `${PATIENT.slice(0, 3)} ${PATIENT.slice(3, 6)} ${PATIENT.slice(6)}`;
    expect((await sut.read(request({ nhsNumber: spaced }))).status).toBe(200);
    expect(audited[0].nhsNumber).toBe(PATIENT);
  });

  it('given a retired number, when answered, then the survivor answers and the audit records both numbers', async () => {
    const { sut, audited } = given();

    const answer = await sut.read(request({ nhsNumber: RETIRED }));

    expect(JSON.parse(answer.body)).toMatchObject({
      nhsNumber: PATIENT,
      requestedNhsNumber: RETIRED,
      mergedInto: PATIENT,
    });
    expect(audited[0]).toMatchObject({ nhsNumber: RETIRED, resolvedNhsNumber: PATIENT });
  });

  // Roles trusted with restricted items come from a roles file next; until then only the purpose opens them.
  it.each([['a safeguarding purpose', { purposeOfUse: 'SAFEGUARDING' }]])(
    'given %s, when answered, then restricted items are shown and none withheld',
    async (_, overrides) => {
      const { sut, audited } = given();

      const body = JSON.parse((await sut.read(request(overrides))).body) as SharedRecordDocument;

      expect(body.socialCare.restrictedWithheld).toBe(0);
      expect(body.socialCare.involvements.map((i) => i.involvementType)).toContain('SAFEGUARDING');
      expect(audited[0]).toMatchObject({ restrictedWithheld: 0, itemCount: 5 });
    },
  );

  it('given an audit trail that cannot write, when answered, then 503 without any record data', async () => {
    const outage = new Error('broker down');
    const { sut, audited, failures } = given({ audit: () => Promise.reject(outage) });

    for (const format of ['json', 'fhir']) {
      const answer = await sut.read(request({ formatParameter: format }));

      expect(answer.status).toBe(503);
      expect(answer.headers['Retry-After']).toBeDefined();
      for (const event of Object.values(EVENTS)) expect(answer.body).not.toContain(event.header.eventId);
      expect(answer.body).not.toContain('Testpatient');
    }
    expect(audited).toEqual([]);
    expect(failures).toEqual([outage, outage]);
  });

  it('given an audit trail that cannot write, when an unknown patient is asked for, then 503, not 404', async () => {
    const { sut } = given({ audit: () => Promise.reject(new Error('timeout')) });
    expect((await sut.read(request({ nhsNumber: UNKNOWN }))).status).toBe(503);
  });
});
