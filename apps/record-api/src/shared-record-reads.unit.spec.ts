import { testNhsNumber } from '@crosscare/events/synthetic';
import { testEvents } from '@crosscare/projection/testing';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { loadAccessRoles } from '@crosscare/governance';
import { AccessThrottle, type AccessThrottleLimits } from './access/access-throttle';
import type { ClaimedIdentity, Reader, TokenCheck } from '@crosscare/identity';
import type { AccessAlertRaised } from './audit/access-alert';
import type { RecordAccessed } from './audit/record-accessed';
import type { Answer } from './http/answer';
import type { HistorySearch, PatientRecordSet } from '@crosscare/read-model';
import type { SharedRecordDocument } from './record/shared-record-document';
import { SharedRecordReads, type HistorySearchRequest, type RecordReadRequest } from './shared-record-reads';
import {
  ccrSnapshot,
  CLINICIAN_AT_GP,
  EVENTS,
  ohcSnapshot,
  PATIENT,
  recordSet,
  RETIRED,
  TEST_NOW,
  TEST_PROVIDERS,
} from './testing/record-set-fixtures';

const UNKNOWN = testNhsNumber(99);
const OTHER = testNhsNumber(5);
/** OTHER with its check digit changed: ten digits, failing modulus 11. */
const BAD_CHECK_DIGIT = `${OTHER.slice(0, 9)}${(Number(OTHER[9]) + 1) % 10}`;
const GP = TEST_PROVIDERS.ccrGpPractice.providerOdsCode;
const ACUTE = TEST_PROVIDERS.ohcAcuteTrust.providerOdsCode;
/** An active trust with no relationship with PATIENT. */
const STRANGER = 'RHA';
/** A trust PATIENT is referred to in some tests. */
const REFERRED_TO = 'RQ3';

/**
 * Token verification is @crosscare/identity's (tested there with real keys); here a token is its claims in JSON, and
 * one starting `forged:` is refused with what it claims, which is all the reads need of a verifier.
 */
const tokens: { verify(token: string): Promise<TokenCheck> } = {
  verify(token) {
    if (token.startsWith('forged:'))
      return Promise.resolve({
        ok: false,
        reason: 'the token signature is not valid',
        claimed: JSON.parse(fromToken(token.slice('forged:'.length))) as ClaimedIdentity,
      });
    return Promise.resolve({ ok: true, reader: JSON.parse(fromToken(token)) as Reader });
  },
};

const reader = (overrides: Partial<Reader> = {}): Reader => ({
  userId: 'u1',
  name: 'Dr A Clinician',
  role: 'clinician',
  organisationOdsCode: GP,
  issuer: 'https://idp.test',
  ...overrides,
});
const asToken = (claims: object) => Buffer.from(JSON.stringify(claims)).toString('base64url');
const fromToken = (token: string) => Buffer.from(token, 'base64url').toString('utf8');
const bearer = (overrides: Partial<Reader> = {}) => `Bearer ${asToken(reader(overrides))}`;

const ORGANISATIONS: Record<string, { name: string; status: string }> = {
  [GP]: { name: 'Hazelwood Surgery', status: 'ACTIVE' },
  [ACUTE]: { name: 'Darlaston Hospital', status: 'ACTIVE' },
  [STRANGER]: { name: 'Elsewhere Trust', status: 'ACTIVE' },
  [TEST_PROVIDERS.ccrCouncil.providerOdsCode]: { name: 'Birmingham City Council', status: 'ACTIVE' },
  [REFERRED_TO]: { name: "Birmingham Children's Hospital", status: 'ACTIVE' },
  CLOSED: { name: 'Closed Practice', status: 'INACTIVE' },
};

const LIMITS: AccessThrottleLimits = {
  user: { perMinute: 60, burst: 5 },
  organisation: { perMinute: 600, burst: 50 },
  badTokens: { perMinute: 6, burst: 3 },
  alertAfter: { refusals: 4, windowMs: 60_000 },
};

/** The reads over fakes: a read model holding PATIENT (and RETIRED merged into it), an audit log that records. */
function given(
  options: {
    accessed?: (event: RecordAccessed) => Promise<void>;
    alert?: (event: AccessAlertRaised) => Promise<void>;
    /** PATIENT's record set, when not the fixtures' CCR and OHC snapshots. */
    patient?: PatientRecordSet;
    linkBase?: string;
  } = {},
) {
  const audited: RecordAccessed[] = [];
  const alerts: AccessAlertRaised[] = [];
  const loaded: string[] = [];
  const failures: unknown[] = [];
  const searched: string[] = [];
  const searches: HistorySearch[] = [];
  let ids = 0;
  const sut = new SharedRecordReads({
    records: {
      loadPatient(nhsNumber: string): Promise<PatientRecordSet> {
        loaded.push(nhsNumber);
        if (nhsNumber === PATIENT && options.patient) return Promise.resolve(options.patient);
        if (nhsNumber === PATIENT || nhsNumber === RETIRED)
          return Promise.resolve(recordSet([ccrSnapshot(4), ohcSnapshot(7)], nhsNumber));
        return Promise.resolve({ ...recordSet([], nhsNumber), nhsNumber, mergedInto: null, mergedFrom: [] });
      },
    },
    history: {
      searchHistory(nhsNumber, decide) {
        searched.push(nhsNumber);
        const set =
          nhsNumber === PATIENT
            ? (options.patient ?? recordSet([ccrSnapshot(4), ohcSnapshot(7)], nhsNumber))
            : { ...recordSet([], nhsNumber), nhsNumber, mergedInto: null, mergedFrom: [] };
        const providers = new Set(
          set.records.flatMap((record) =>
            record.items.map((item) => item.header.providerOdsCode.toUpperCase()),
          ),
        );
        const patient = { set, providers };
        const search = decide(patient);
        if (search !== null) searches.push(search);
        return Promise.resolve({
          patient,
          page: search === null ? null : { total: 0, resources: [], next: null },
        });
      },
    },
    log: {
      accessed: (event) =>
        (options.accessed ? options.accessed(event) : Promise.resolve()).then(() => void audited.push(event)),
      alert: (event) =>
        (options.alert ? options.alert(event) : Promise.resolve()).then(() => void alerts.push(event)),
    },
    tokens,
    roles: loadAccessRoles(),
    organisation: (odsCode) => ORGANISATIONS[odsCode],
    throttle: new AccessThrottle(LIMITS, () => TEST_NOW),
    clock: () => TEST_NOW,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    onLogFailure: (error) => failures.push(error),
    linkBase: options.linkBase,
  });
  return { sut, audited, alerts, loaded, failures, searched, searches };
}

const request = (overrides: Partial<RecordReadRequest> = {}): RecordReadRequest => ({
  nhsNumber: PATIENT,
  authorization: bearer(),
  purposeOfUse: 'DIRECT_CARE',
  correlationId: 'corr-1',
  clientIp: '10.0.0.9',
  ...overrides,
});

const EMERGENCY = {
  purposeOfUse: 'EMERGENCY_CARE',
  breakGlassReason: 'unconscious in ED, no history available',
};

describe('reading a shared record', () => {
  it("given the patient's GP, when answered, then the whole record is sent and the audit names reader, purpose, relationship and versions", async () => {
    const { sut, audited, alerts } = given();

    const answer = await sut.read(request());

    expect(answer.status).toBe(200);
    expect(answer.headers['Content-Type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(answer.body);
    expect(body.problems[0].provenance.eventId).toBe(EVENTS.problem.header.eventId);
    expect(body.encounters[0].started.provenance.collaborative).toBe('OHC');
    expect(body.access).toEqual({ ...CLINICIAN_AT_GP, notices: [] });
    expect(audited).toEqual([
      {
        auditId: expect.any(String),
        occurredAt: TEST_NOW,
        user: { id: 'u1', name: 'Dr A Clinician', role: 'clinician' },
        organisationOdsCode: GP,
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
        identityVerified: true,
        tokenIssuer: 'https://idp.test',
        denial: null,
        reason: null,
        relationship: 'REGISTERED_GP',
        breakGlassReason: null,
        objectionApplied: false,
        sectionsWithheld: [],
        search: null,
      },
    ]);
    expect(alerts).toEqual([]);
  });

  it('given an audit that is slow to acknowledge, when answered, then nothing is answered before it is written', async () => {
    let acknowledge: () => void = () => undefined;
    const { sut } = given({ accessed: () => new Promise<void>((resolve) => (acknowledge = resolve)) });

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
    expect(JSON.parse(answer.body)).toMatchObject({ resourceType: 'Bundle', id: audited[0].auditId });
    expect(audited[0]).toMatchObject({ format: 'FHIR', outcome: 'RETURNED', restrictedWithheld: 1 });
  });

  it.each([
    ['no Authorization', { authorization: undefined }, null],
    ['a Basic credential', { authorization: 'Basic dXNlcjpwYXNz' }, null],
    [
      'a token that fails verification',
      {
        authorization: `Bearer forged:${asToken({ userId: 'mallory', organisationOdsCode: 'ZZZ99', issuer: 'evil' })}`,
      },
      { id: 'mallory', name: '', role: '' },
    ],
  ])(
    'given %s, when answered, then 401 with a Bearer challenge, nothing read, the refusal audited',
    async (_, overrides, user) => {
      const { sut, audited, loaded } = given();

      const answer = await sut.read(request(overrides));

      expect(answer.status).toBe(401);
      expect(answer.headers['WWW-Authenticate']).toMatch(/^Bearer /);
      expect(loaded).toEqual([]);
      expect(audited).toEqual([
        expect.objectContaining({
          outcome: 'DENIED',
          denial: 'BAD_TOKEN',
          identityVerified: false,
          user,
          nhsNumber: PATIENT,
        }),
      ]);
    },
  );

  it.each([
    ['no purpose of use', { purposeOfUse: undefined }, 'X-Purpose-Of-Use'],
    ['an unknown purpose of use', { purposeOfUse: 'RESEARCH' }, 'X-Purpose-Of-Use'],
    ['a number of 9 digits', { nhsNumber: OTHER.slice(0, 9) }, 'nhsNumber'],
    ['a number failing modulus 11', { nhsNumber: BAD_CHECK_DIGIT }, 'nhsNumber'],
    [
      'a break-glass reason with DIRECT_CARE',
      { breakGlassReason: 'just looking, honestly' },
      'X-Break-Glass-Reason',
    ],
    ['a break-glass reason of one word', { ...EMERGENCY, breakGlassReason: 'x' }, 'X-Break-Glass-Reason'],
  ])(
    'given %s, when answered, then 400 naming the problem, nothing read, the refusal audited',
    async (_, overrides, location) => {
      const { sut, audited, loaded } = given();

      const answer = await sut.read(request(overrides));

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ status: 400, location });
      expect(loaded).toEqual([]);
      expect(audited).toEqual([
        expect.objectContaining({ outcome: 'DENIED', denial: 'INVALID_REQUEST', identityVerified: true }),
      ]);
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

  it.each([
    [
      'an organisation in no directory',
      { organisationOdsCode: 'ZZZ99' },
      'UNKNOWN_ORGANISATION',
      /ZZZ99 is not known/,
    ],
    [
      'a closed organisation',
      { organisationOdsCode: 'CLOSED' },
      'UNKNOWN_ORGANISATION',
      /CLOSED is not active/,
    ],
    ['a role Crosscare does not know', { role: 'anything-at-all' }, 'UNKNOWN_ROLE', /anything-at-all/],
  ])(
    'given %s, when answered, then 403 with the reason, nothing read, the refusal audited',
    async (_, claims, denial, reason) => {
      const { sut, audited, loaded } = given();

      const answer = await sut.read(request({ authorization: bearer(claims) }));

      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).detail).toMatch(reason);
      expect(loaded).toEqual([]);
      expect(audited).toEqual([
        expect.objectContaining({ outcome: 'DENIED', denial, identityVerified: true }),
      ]);
    },
  );

  it('given a role that may not declare the purpose, when answered, then 403 PURPOSE_NOT_PERMITTED', async () => {
    const { sut, audited } = given();
    const answer = await sut.read(request({ purposeOfUse: 'SAFEGUARDING' }));
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).detail).toMatch(/clinician role may not read records for SAFEGUARDING/);
    expect(audited[0]).toMatchObject({ denial: 'PURPOSE_NOT_PERMITTED', purposeOfUse: 'SAFEGUARDING' });
  });

  it('given reception staff at the GP, when answered, then demographics and encounters only, and the answer says what was withheld', async () => {
    const { sut, audited } = given();

    const body = documentOf(await sut.read(request({ authorization: bearer({ role: 'R8009' }) })));

    expect(body.demographics).not.toBeNull();
    expect(body.encounters).toHaveLength(1);
    expect(body).not.toHaveProperty('problems');
    expect(body).not.toHaveProperty('socialCare');
    expect(body.access.sectionsWithheld).toEqual(
      expect.arrayContaining(['problems', 'medications', 'social-care']),
    );
    expect(body.access.notices.join(' ')).toMatch(/Not shown to the administrative role: .*problems/);
    expect(JSON.stringify(body)).not.toContain(EVENTS.problem.header.eventId);
    expect(audited[0]).toMatchObject({
      outcome: 'RETURNED',
      user: { role: 'R8009' },
      sectionsWithheld: expect.arrayContaining(['problems']),
      itemCount: 2,
    });
  });

  it('given a flag and a discharge summary, when a clinician and reception staff read, then alerts lead for both and documents only for the clinician', async () => {
    const flag = testEvents.AlertRecorded({ header: { nhsNumber: PATIENT } });
    const summary = testEvents.DocumentRecorded({ header: { nhsNumber: PATIENT } });
    const [ccr, ohc] = [ccrSnapshot(4), ohcSnapshot(7)];
    const { sut } = given({
      patient: recordSet([
        { ...ccr, items: [...ccr.items, flag] },
        { ...ohc, items: [...ohc.items, summary] },
      ]),
    });
    const sections = (body: object) =>
      Object.keys(body).filter(
        (key) =>
          ![
            'nhsNumber',
            'requestedNhsNumber',
            'mergedInto',
            'mergedFrom',
            'sources',
            'access',
            'shortened',
          ].includes(key),
      );

    const clinician = documentOf(await sut.read(request()));
    const reception = documentOf(await sut.read(request({ authorization: bearer({ role: 'R8009' }) })));

    expect(sections(clinician)[0]).toBe('alerts');
    expect(clinician.alerts).toEqual([expect.objectContaining({ reasonableAdjustment: true })]);
    expect(clinician.documents).toEqual([
      expect.objectContaining({ provenance: expect.objectContaining({ eventId: summary.header.eventId }) }),
    ]);
    expect(sections(reception)[0]).toBe('alerts');
    expect(reception.alerts).toHaveLength(1);
    expect(reception).not.toHaveProperty('documents');
    expect(reception.access.sectionsWithheld).toContain('documents');
    expect(JSON.stringify(reception)).not.toContain(summary.header.eventId);
  });

  it('given 60 observations, when read in either format, then both show the 50 most recent and link to the rest', async () => {
    const observations = Array.from({ length: 60 }, (_, i) =>
      testEvents.ObservationRecorded({
        effectiveAt: TEST_NOW - i * 60_000,
        header: { nhsNumber: PATIENT, sourceRecordId: `obs-${i}` },
      }),
    );
    const ohc = ohcSnapshot(7);
    const { sut, audited } = given({
      patient: recordSet([ccrSnapshot(4), { ...ohc, items: [...ohc.items, ...observations] }]),
      linkBase: 'https://record.crosscare.test',
    });

    const json = documentOf(await sut.read(request()));
    const bundle = JSON.parse((await sut.read(request({ formatParameter: 'fhir' }))).body) as Bundle;

    expect(json.shortened).toEqual({
      observations: expect.objectContaining({
        shown: 50,
        total: 60,
        rest: `https://record.crosscare.test/patients/${PATIENT}/record?section=observations`,
      }),
    });
    const resources = (bundle.entry ?? []).map((e) => e.resource as Resource);
    expect(resources.filter((r) => r.resourceType === 'Observation')).toHaveLength(50);
    const incomplete = resources.flatMap((r) =>
      r.resourceType === 'OperationOutcome' ? r.issue.filter((i) => i.code === 'incomplete') : [],
    );
    expect(incomplete).toEqual([
      expect.objectContaining({
        expression: ['Observation'],
        diagnostics: expect.stringContaining('https://record.crosscare.test/fhir/Observation?'),
      }),
    ]);
    // details, problem, encounter, home care and the 50 observations shown (the safeguarding item is withheld)
    expect(audited.map((event) => event.itemCount)).toEqual([54, 54]);
  });

  it('given reception staff asking for FHIR, when answered, then withheld sections are absent and an OperationOutcome says so', async () => {
    const { sut } = given();
    const bundle = JSON.parse(
      (await sut.read(request({ authorization: bearer({ role: 'R8009' }), formatParameter: 'fhir' }))).body,
    ) as Bundle;
    const resources = (bundle.entry ?? []).map((e) => e.resource as Resource);
    expect(resources.map((r) => r.resourceType)).not.toContain('Condition');
    const notice = resources.find(
      (r) =>
        r.resourceType === 'OperationOutcome' &&
        r.issue[0].code === 'suppressed' &&
        JSON.stringify(r).includes('administrative'),
    );
    expect(notice).toBeDefined();
  });

  it('given a reader whose organisation has no relationship, when answered, then 403 without record data, audited', async () => {
    const { sut, audited, alerts } = given();

    const answer = await sut.read(request({ authorization: bearer({ organisationOdsCode: STRANGER }) }));

    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).detail).toMatch(/no legitimate relationship[\s\S]*X-Break-Glass-Reason/);
    for (const event of Object.values(EVENTS)) expect(answer.body).not.toContain(event.header.eventId);
    expect(audited[0]).toMatchObject({
      outcome: 'DENIED',
      denial: 'NO_RELATIONSHIP',
      relationship: 'NONE',
      itemCount: 0,
    });
    expect(alerts).toEqual([]);
  });

  it.each([
    ['a care provider (the acute trust that sent an encounter)', ACUTE, 'CARE_PROVIDER'],
    ['a referral recipient', REFERRED_TO, 'REFERRAL_RECIPIENT'],
  ])('given %s, when answered, then served with that relationship', async (_, org, relationship) => {
    const referral = testEvents.ReferralMade({
      header: { nhsNumber: PATIENT },
      recipientOdsCode: REFERRED_TO,
    });
    const ohc = ohcSnapshot(7);
    const { sut, audited } = given({
      patient: recordSet([ccrSnapshot(4), { ...ohc, items: [...ohc.items, referral] }]),
    });

    const answer = await sut.read(request({ authorization: bearer({ organisationOdsCode: org }) }));

    expect(answer.status).toBe(200);
    expect(audited[0]).toMatchObject({ outcome: 'RETURNED', relationship });
  });

  it('given a referral that was revoked, when its recipient reads, then 403: a revoked referral is no relationship', async () => {
    const referral = testEvents.ReferralMade({
      header: { nhsNumber: PATIENT },
      recipientOdsCode: REFERRED_TO,
      status: 'REVOKED',
    });
    const { sut } = given({ patient: recordSet([{ ...ohcSnapshot(7), items: [referral] }]) });
    expect(
      (await sut.read(request({ authorization: bearer({ organisationOdsCode: REFERRED_TO }) }))).status,
    ).toBe(403);
  });

  it('given an unknown patient and no broken glass, when answered, then 403 as for any patient: a refusal never says whether a record exists', async () => {
    const { sut, audited } = given();
    const answer = await sut.read(request({ nhsNumber: UNKNOWN }));
    expect(answer.status).toBe(403);
    expect(audited[0]).toMatchObject({
      denial: 'NO_RELATIONSHIP',
      nhsNumber: UNKNOWN,
      resolvedNhsNumber: null,
    });
  });

  it('given a clinician with no relationship who breaks the glass, when answered, then the whole record, a BREAK_GLASS audit and an alert', async () => {
    const { sut, audited, alerts } = given();

    const answer = await sut.read(
      request({ authorization: bearer({ organisationOdsCode: STRANGER }), ...EMERGENCY }),
    );

    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body);
    expect(body.access).toMatchObject({ breakGlass: true, relationship: null });
    expect(body.access.notices[0]).toMatch(/Emergency access/);
    expect(audited).toEqual([
      expect.objectContaining({
        outcome: 'BREAK_GLASS',
        relationship: 'NONE',
        breakGlassReason: EMERGENCY.breakGlassReason,
        purposeOfUse: 'EMERGENCY_CARE',
      }),
    ]);
    expect(alerts).toEqual([
      expect.objectContaining({
        kind: 'BREAK_GLASS',
        userId: 'u1',
        organisationOdsCode: STRANGER,
        nhsNumber: PATIENT,
        reason: EMERGENCY.breakGlassReason,
        auditId: audited[0].auditId,
        identityVerified: true,
      }),
    ]);
  });

  it('given a break-glass read whose alert cannot be written, when answered, then 503 without record data', async () => {
    const { sut, audited } = given({ alert: () => Promise.reject(new Error('broker down')) });
    const answer = await sut.read(
      request({ authorization: bearer({ organisationOdsCode: STRANGER }), ...EMERGENCY }),
    );
    expect(answer.status).toBe(503);
    expect(answer.body).not.toContain('Testpatient');
    expect(audited).toEqual([]);
  });

  it('given a role that may not break the glass, when it tries, then 403 saying so', async () => {
    const { sut, alerts } = given();
    const answer = await sut.read(
      request({ authorization: bearer({ organisationOdsCode: STRANGER, role: 'pharmacist' }), ...EMERGENCY }),
    );
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).detail).toMatch(/pharmacist role may not break the glass/);
    expect(alerts).toEqual([]);
  });

  it('given the glass broken for an unknown patient, when answered, then 404 NOT_FOUND, audited and alerted', async () => {
    const { sut, audited, alerts } = given();
    const answer = await sut.read(
      request({ nhsNumber: UNKNOWN, authorization: bearer({ organisationOdsCode: STRANGER }), ...EMERGENCY }),
    );
    expect(answer.status).toBe(404);
    expect(audited[0]).toMatchObject({ outcome: 'NOT_FOUND', breakGlassReason: EMERGENCY.breakGlassReason });
    expect(alerts).toHaveLength(1);
  });

  describe('given a patient who objects to sharing (recorded by their GP practice)', () => {
    const objection = testEvents.SharingObjectionRecorded({ header: { nhsNumber: PATIENT } });
    const objecting = (...more: PatientRecordSet['records'][number]['items']) => {
      const ccr = ccrSnapshot(4);
      return recordSet([{ ...ccr, items: [...ccr.items, objection, ...more] }, ohcSnapshot(7)]);
    };

    it("then the GP sees only its own items, told why; the acute trust's encounter is not shown", async () => {
      const { sut, audited } = given({ patient: objecting() });

      const answer = await sut.read(request());

      expect(answer.status).toBe(200);
      const body = documentOf(answer);
      expect(body.access).toMatchObject({ objectionApplied: true, breakGlass: false });
      expect(body.access.notices.join(' ')).toMatch(/objects to sharing/);
      expect(body.sharingObjection).toMatchObject({ status: 'ACTIVE' });
      expect(body.problems).toHaveLength(1);
      expect(body.encounters).toEqual([]);
      expect(answer.body).not.toContain(EVENTS.encounter.header.eventId);
      expect(answer.body).not.toContain(EVENTS.homeCare.header.eventId);
      expect(audited[0]).toMatchObject({
        outcome: 'RETURNED',
        objectionApplied: true,
        relationship: 'REGISTERED_GP',
      });
    });

    it('then the acute trust sees only its encounter (and the objection)', async () => {
      const { sut } = given({ patient: objecting() });
      const body = JSON.parse(
        (await sut.read(request({ authorization: bearer({ organisationOdsCode: ACUTE }) }))).body,
      );
      expect(body.encounters).toHaveLength(1);
      expect(body.problems).toEqual([]);
      expect(body.sharingObjection).not.toBeNull();
    });

    it('then a referral recipient that holds none of the record is refused OBJECTION', async () => {
      const referral = testEvents.ReferralMade({
        header: { nhsNumber: PATIENT },
        recipientOdsCode: REFERRED_TO,
      });
      const { sut, audited } = given({ patient: objecting(referral) });
      const answer = await sut.read(request({ authorization: bearer({ organisationOdsCode: REFERRED_TO }) }));
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body).detail).toMatch(/objects to sharing/);
      expect(audited[0]).toMatchObject({ denial: 'OBJECTION', relationship: 'REFERRAL_RECIPIENT' });
    });

    it('then breaking the glass serves the whole record, audited and alerted', async () => {
      const referral = testEvents.ReferralMade({
        header: { nhsNumber: PATIENT },
        recipientOdsCode: REFERRED_TO,
      });
      const { sut, audited, alerts } = given({ patient: objecting(referral) });
      const answer = await sut.read(
        request({ authorization: bearer({ organisationOdsCode: REFERRED_TO }), ...EMERGENCY }),
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toContain(EVENTS.encounter.header.eventId);
      expect(audited[0]).toMatchObject({ outcome: 'BREAK_GLASS', objectionApplied: false });
      expect(alerts).toHaveLength(1);
    });

    it('then, once withdrawn, every reader with a relationship sees the whole record again', async () => {
      const withdrawn = testEvents.SharingObjectionRecorded({
        header: {
          nhsNumber: PATIENT,
          sourceRecordVersion: 2,
          recordedAt: objection.header.recordedAt + 1000,
        },
        status: 'WITHDRAWN',
      });
      const ccr = ccrSnapshot(4);
      const { sut } = given({
        patient: recordSet([{ ...ccr, items: [...ccr.items, withdrawn] }, ohcSnapshot(7)]),
      });
      const body = JSON.parse((await sut.read(request())).body);
      expect(body.access.objectionApplied).toBe(false);
      expect(body.encounters).toHaveLength(1);
    });
  });

  it('given a safeguarding lead reading for SAFEGUARDING, when answered, then restricted items are shown', async () => {
    const { sut, audited } = given();
    const body = documentOf(
      await sut.read(
        request({ authorization: bearer({ role: 'safeguarding-lead' }), purposeOfUse: 'SAFEGUARDING' }),
      ),
    );
    expect(body.socialCare!.restrictedWithheld).toBe(0);
    expect(body.socialCare!.involvements.map((i) => i.involvementType)).toContain('SAFEGUARDING');
    expect(audited[0]).toMatchObject({ restrictedWithheld: 0, itemCount: 5 });
  });

  it('given a safeguarding lead reading for DIRECT_CARE, when answered, then restricted items stay withheld', async () => {
    const { sut } = given();
    const body = JSON.parse(
      (await sut.read(request({ authorization: bearer({ role: 'safeguarding-lead' }) }))).body,
    );
    expect(body.socialCare.restrictedWithheld).toBe(1);
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

  it('given an audit log that cannot write, when answered, then 503 without any record data', async () => {
    const outage = new Error('broker down');
    const { sut, audited, failures } = given({ accessed: () => Promise.reject(outage) });

    for (const format of ['json', 'fhir']) {
      const answer = await sut.read(request({ formatParameter: format }));

      expect(answer.status).toBe(503);
      expect(answer.headers['Retry-After']).toBe('5');
      for (const event of Object.values(EVENTS)) expect(answer.body).not.toContain(event.header.eventId);
      expect(answer.body).not.toContain('Testpatient');
    }
    expect(audited).toEqual([]);
    expect(failures).toEqual([outage, outage]);
  });
});

describe('throttling and alerts', () => {
  it('given a user over their burst, when answered, then 429 with Retry-After, audited as THROTTLED', async () => {
    const { sut, audited } = given();
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < LIMITS.user.burst + 1; i++) {
      last = await sut.read(request());
      statuses.push(last.status);
    }
    expect(statuses).toEqual([...Array(LIMITS.user.burst).fill(200), 429]);
    expect(last?.headers['Retry-After']).toBe('1');
    expect(audited.at(-1)).toMatchObject({ outcome: 'DENIED', denial: 'THROTTLED', user: { id: 'u1' } });
  });

  it('given an address that sent too many bad tokens, when it sends a good one, then 429 before the token is looked at', async () => {
    const { sut, audited } = given();
    for (let i = 0; i < LIMITS.badTokens.burst; i++)
      expect((await sut.read(request({ authorization: `Bearer forged:${asToken({})}` }))).status).toBe(401);

    const answer = await sut.read(request());

    expect(answer.status).toBe(429);
    expect(audited.at(-1)).toMatchObject({ denial: 'THROTTLED', user: null, identityVerified: false });
    expect((await sut.read(request({ clientIp: '10.0.0.10' }))).status).toBe(200);
  });

  it('given repeated refusals of one user, when the threshold is reached, then one REPEATED_REFUSALS alert', async () => {
    const { sut, alerts, audited } = given();
    for (let i = 0; i < LIMITS.alertAfter.refusals + 2; i++)
      await sut.read(request({ authorization: bearer({ organisationOdsCode: STRANGER, userId: 'snoop' }) }));

    expect(alerts).toEqual([
      expect.objectContaining({
        kind: 'REPEATED_REFUSALS',
        userId: 'snoop',
        organisationOdsCode: STRANGER,
        refusals: LIMITS.alertAfter.refusals,
        windowSeconds: 60,
        auditId: audited[LIMITS.alertAfter.refusals - 1].auditId,
      }),
    ]);
  });

  it('given repeated bad tokens from one address, when the threshold is reached, then an alert names the address, not a user', async () => {
    const { sut, alerts } = given();
    for (let i = 0; i < LIMITS.alertAfter.refusals; i++)
      await sut.read(request({ authorization: undefined, clientIp: '192.0.2.7' }));
    expect(alerts).toEqual([
      expect.objectContaining({
        kind: 'REPEATED_REFUSALS',
        userId: null,
        clientIp: '192.0.2.7',
        identityVerified: false,
      }),
    ]);
  });
});

describe('SharedRecordReads.search', () => {
  const patientIdentifier = `https://fhir.nhs.uk/Id/nhs-number|${PATIENT}`;
  const searchRequest = (overrides: Partial<HistorySearchRequest> = {}): HistorySearchRequest => ({
    route: { kind: 'FHIR', resourceType: 'Observation' },
    query: { 'patient.identifier': patientIdentifier, code: 'http://loinc.org|4548-4' },
    authorization: bearer(),
    purposeOfUse: 'DIRECT_CARE',
    correlationId: 'corr-s',
    clientIp: '10.0.0.9',
    ...overrides,
  });

  it('given a clinician with a relationship, when searching, then the read model is searched for that patient with the parameters, and the search audited', async () => {
    const { sut, audited, searches, searched } = given();
    const answer = await sut.search(searchRequest());
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 0 });
    expect(searched).toEqual([PATIENT]);
    expect(searches).toEqual([
      expect.objectContaining({
        resourceType: 'Observation',
        codes: [['http://loinc.org|4548-4']],
        ownItemsOf: null,
      }),
    ]);
    expect(audited).toEqual([
      expect.objectContaining({
        outcome: 'RETURNED',
        format: 'FHIR',
        nhsNumber: PATIENT,
        resolvedNhsNumber: PATIENT,
        search: expect.objectContaining({
          resourceType: 'Observation',
          continued: false,
          total: 0,
          returned: 0,
        }) as unknown,
      }),
    ]);
  });

  it('given no token and an unknown parameter, when searching, then the token is refused first (401) and nothing is searched', async () => {
    const { sut, audited, searched } = given();
    const answer = await sut.search(
      searchRequest({
        authorization: undefined,
        query: { 'patient.identifier': patientIdentifier, colour: 'red' },
      }),
    );
    expect(answer.status).toBe(401);
    expect(searched).toEqual([]);
    expect(audited[0]).toMatchObject({ outcome: 'DENIED', denial: 'BAD_TOKEN' });
  });

  it('given an unknown parameter from a known reader, when searching, then 400 not-supported, audited with the query, nothing searched', async () => {
    const { sut, audited, searched } = given();
    const answer = await sut.search(
      searchRequest({ query: { 'patient.identifier': patientIdentifier, colour: 'red' } }),
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'not-supported' }],
    });
    expect(searched).toEqual([]);
    expect(audited[0]).toMatchObject({
      denial: 'INVALID_REQUEST',
      search: { resourceType: 'Observation', query: expect.stringContaining('colour=red') as unknown },
    });
  });

  it('given a role not granted the section, when searching, then 403 SECTION_NOT_GRANTED and nothing of the history is read', async () => {
    const { sut, audited, searches } = given();
    const answer = await sut.search(searchRequest({ authorization: bearer({ role: 'pharmacist' }) }));
    expect(answer.status).toBe(403);
    expect(searches).toEqual([]);
    expect(audited[0]).toMatchObject({ outcome: 'DENIED', denial: 'SECTION_NOT_GRANTED' });
  });

  it('given a reader with no relationship, when searching, then 403 NO_RELATIONSHIP', async () => {
    const { sut, audited, searches } = given();
    const answer = await sut.search(
      searchRequest({ authorization: bearer({ organisationOdsCode: STRANGER }) }),
    );
    expect(answer.status).toBe(403);
    expect(searches).toEqual([]);
    expect(audited[0]).toMatchObject({ denial: 'NO_RELATIONSHIP', nhsNumber: PATIENT });
  });

  it('given a section search on the record route, when answered, then JSON with the section and total', async () => {
    const { sut } = given();
    const answer = await sut.search(
      searchRequest({ route: { kind: 'SECTION', nhsNumber: PATIENT }, query: { section: 'observations' } }),
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({
      section: 'observations',
      resourceType: 'Observation',
      total: 0,
    });
  });
});

const documentOf = (answer: Answer) => JSON.parse(answer.body) as SharedRecordDocument;
