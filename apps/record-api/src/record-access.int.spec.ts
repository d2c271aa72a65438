import { type RecordChangeEvent } from '@crosscare/events';
import { testNhsNumber } from '@crosscare/events/synthetic';
import type { Provider } from '@crosscare/governance';
import { testEvents } from '@crosscare/projection/testing';
import { uniqueName } from '@crosscare/testing';
import { RecordApiUnderTest, storeLocalRecord, storeRemoteRecord } from './testing/record-api-under-test';

const HOUR = 3_600_000;
/** A patient who has not objected to sharing. */
const SHARED = testNhsNumber(201);
/** The same care, for a patient who objects to sharing beyond the organisations that hold their record. */
const OBJECTING = testNhsNumber(207);
const EMERGENCY = 'Brought in unconscious by ambulance; no history available';

type Org = 'gp' | 'acute' | 'referred' | 'council' | 'stranger' | 'pharmacy' | 'unlisted';
type Section = 'problems' | 'medications' | 'allergies' | 'encounters' | 'socialCare' | 'referrals';

/** One cell of the access table: who asks, why, for whom, and what must happen. */
interface Cell {
  readonly role: string;
  readonly org: Org;
  readonly purpose: 'DIRECT_CARE' | 'EMERGENCY_CARE' | 'SAFEGUARDING';
  readonly breakGlass?: boolean;
  readonly patient: 'shared' | 'objecting';
  readonly status: number;
  /** The audit event's outcome, and denial or relationship. */
  readonly outcome: 'RETURNED' | 'BREAK_GLASS' | 'DENIED';
  readonly denial?: string;
  readonly relationship?: string;
  /** Sections the answer must hold items in, and sections it must not show at all (withheld) or show empty. */
  readonly shows?: readonly Section[];
  readonly withheld?: readonly Section[];
  readonly empty?: readonly Section[];
  readonly restrictedShown?: boolean;
  readonly objectionApplied?: boolean;
}

/**
 * role × purpose × relationship × objection × break-glass: each row is one read over HTTP against the real record
 * API (real broker, registry and Postgres), asserting the status, the sections served, the audit event and the alert.
 */
const TABLE: readonly Cell[] = [
  // Relationship: the registered GP, a provider of care, a referral recipient, and none.
  {
    role: 'clinician',
    org: 'gp',
    purpose: 'DIRECT_CARE',
    patient: 'shared',
    status: 200,
    outcome: 'RETURNED',
    relationship: 'REGISTERED_GP',
    shows: ['problems', 'medications', 'allergies', 'encounters', 'referrals'],
  },
  {
    role: 'R8001',
    org: 'acute',
    purpose: 'DIRECT_CARE',
    patient: 'shared',
    status: 200,
    outcome: 'RETURNED',
    relationship: 'CARE_PROVIDER',
    shows: ['problems', 'encounters'],
  },
  {
    role: 'clinician',
    org: 'referred',
    purpose: 'DIRECT_CARE',
    patient: 'shared',
    status: 200,
    outcome: 'RETURNED',
    relationship: 'REFERRAL_RECIPIENT',
    shows: ['problems', 'encounters'],
  },
  {
    role: 'clinician',
    org: 'stranger',
    purpose: 'DIRECT_CARE',
    patient: 'shared',
    status: 403,
    outcome: 'DENIED',
    denial: 'NO_RELATIONSHIP',
    relationship: 'NONE',
  },
  {
    role: 'clinician',
    org: 'stranger',
    purpose: 'EMERGENCY_CARE',
    patient: 'shared',
    status: 403,
    outcome: 'DENIED',
    denial: 'NO_RELATIONSHIP',
  },
  // Break-glass: a role that may, with a reason; a role that may not.
  {
    role: 'clinician',
    org: 'stranger',
    purpose: 'EMERGENCY_CARE',
    breakGlass: true,
    patient: 'shared',
    status: 200,
    outcome: 'BREAK_GLASS',
    relationship: 'NONE',
    shows: ['problems', 'medications', 'encounters', 'socialCare'],
  },
  {
    role: 'pharmacist',
    org: 'stranger',
    purpose: 'EMERGENCY_CARE',
    breakGlass: true,
    patient: 'shared',
    status: 403,
    outcome: 'DENIED',
    denial: 'NO_RELATIONSHIP',
  },
  // Roles: reception, pharmacist, social worker; purposes a role may not declare.
  {
    role: 'R8009',
    org: 'gp',
    purpose: 'DIRECT_CARE',
    patient: 'shared',
    status: 200,
    outcome: 'RETURNED',
    relationship: 'REGISTERED_GP',
    shows: ['encounters'],
    withheld: ['problems', 'medications', 'allergies', 'socialCare', 'referrals'],
  },
  {
    role: 'R8009',
    org: 'gp',
    purpose: 'EMERGENCY_CARE',
    patient: 'shared',
    status: 403,
    outcome: 'DENIED',
    denial: 'PURPOSE_NOT_PERMITTED',
  },
  {
    role: 'pharmacist',
    org: 'pharmacy',
    purpose: 'DIRECT_CARE',
    patient: 'shared',
    status: 200,
    outcome: 'RETURNED',
    relationship: 'CARE_PROVIDER',
    shows: ['medications', 'allergies'],
    withheld: ['problems', 'encounters', 'socialCare', 'referrals'],
  },
  {
    role: 'social-worker',
    org: 'council',
    purpose: 'DIRECT_CARE',
    patient: 'shared',
    status: 200,
    outcome: 'RETURNED',
    relationship: 'CARE_PROVIDER',
    shows: ['encounters', 'socialCare'],
    withheld: ['problems', 'medications', 'allergies'],
    restrictedShown: false,
  },
  {
    role: 'social-worker',
    org: 'council',
    purpose: 'SAFEGUARDING',
    patient: 'shared',
    status: 403,
    outcome: 'DENIED',
    denial: 'PURPOSE_NOT_PERMITTED',
  },
  {
    role: 'clinician',
    org: 'gp',
    purpose: 'SAFEGUARDING',
    patient: 'shared',
    status: 403,
    outcome: 'DENIED',
    denial: 'PURPOSE_NOT_PERMITTED',
  },
  // Restricted safeguarding items: a safeguarding role, and only for SAFEGUARDING.
  {
    role: 'safeguarding-lead',
    org: 'council',
    purpose: 'SAFEGUARDING',
    patient: 'shared',
    status: 200,
    outcome: 'RETURNED',
    relationship: 'CARE_PROVIDER',
    shows: ['socialCare'],
    restrictedShown: true,
  },
  {
    role: 'safeguarding-lead',
    org: 'council',
    purpose: 'DIRECT_CARE',
    patient: 'shared',
    status: 200,
    outcome: 'RETURNED',
    relationship: 'CARE_PROVIDER',
    restrictedShown: false,
  },
  // Who: an organisation in no directory, a role Crosscare does not know.
  {
    role: 'clinician',
    org: 'unlisted',
    purpose: 'DIRECT_CARE',
    patient: 'shared',
    status: 403,
    outcome: 'DENIED',
    denial: 'UNKNOWN_ORGANISATION',
  },
  {
    role: 'anything-at-all',
    org: 'gp',
    purpose: 'DIRECT_CARE',
    patient: 'shared',
    status: 403,
    outcome: 'DENIED',
    denial: 'UNKNOWN_ROLE',
  },
  // A patient's objection: own items only; refused to a reader holding none; broken glass serves all.
  {
    role: 'clinician',
    org: 'gp',
    purpose: 'DIRECT_CARE',
    patient: 'objecting',
    status: 200,
    outcome: 'RETURNED',
    relationship: 'REGISTERED_GP',
    shows: ['problems', 'medications'],
    empty: ['encounters'],
    objectionApplied: true,
  },
  {
    role: 'clinician',
    org: 'acute',
    purpose: 'DIRECT_CARE',
    patient: 'objecting',
    status: 200,
    outcome: 'RETURNED',
    relationship: 'CARE_PROVIDER',
    shows: ['encounters'],
    empty: ['problems', 'medications'],
    objectionApplied: true,
  },
  {
    role: 'clinician',
    org: 'referred',
    purpose: 'DIRECT_CARE',
    patient: 'objecting',
    status: 403,
    outcome: 'DENIED',
    denial: 'OBJECTION',
    relationship: 'REFERRAL_RECIPIENT',
  },
  {
    role: 'clinician',
    org: 'referred',
    purpose: 'EMERGENCY_CARE',
    breakGlass: true,
    patient: 'objecting',
    status: 200,
    outcome: 'BREAK_GLASS',
    relationship: 'REFERRAL_RECIPIENT',
    shows: ['problems', 'encounters'],
    objectionApplied: false,
  },
  {
    role: 'clinician',
    org: 'stranger',
    purpose: 'DIRECT_CARE',
    patient: 'objecting',
    status: 403,
    outcome: 'DENIED',
    denial: 'NO_RELATIONSHIP',
  },
];

describe('who may read a shared record (real broker, registry and Postgres)', () => {
  let api: RecordApiUnderTest;
  const orgs = {} as Record<Org, string>;
  const restricted = new Map<string, RecordChangeEvent>();

  beforeAll(async () => {
    // Every row's request comes from 127.0.0.1, half of them refused: no repeated-refusal alert here, only the table's.
    api = await RecordApiUnderTest.start({ RECORD_API_REFUSAL_ALERT_THRESHOLD: '1000' });
    const directory = api.services.directory;
    const first = (type: Provider['type'], ics: Provider['ics']) =>
      directory.providers({ type, ics }).find((p) => p.status === 'ACTIVE')!;
    const gp = first('GP_PRACTICE', 'QHL');
    const acute = first('ACUTE_TRUST', 'QNC');
    const referred = first('SPECIALIST_TRUST', 'QHL') ?? first('ACUTE_TRUST', 'QWU');
    const council = first('LOCAL_AUTHORITY', 'QHL');
    const pharmacy = first('COMMUNITY_PHARMACY', 'QHL');
    const stranger = first('ACUTE_TRUST', 'QGH');
    Object.assign(orgs, {
      gp: gp.odsCode,
      acute: acute.odsCode,
      referred: referred.odsCode,
      council: council.odsCode,
      pharmacy: pharmacy.odsCode,
      stranger: stranger.odsCode,
      unlisted: 'ZZZ99',
    });

    const now = Date.now();
    for (const nhsNumber of [SHARED, OBJECTING]) {
      const from = (p: Provider, sourceRecordId: string, hoursAgo: number) => ({
        header: {
          providerOdsCode: p.odsCode,
          ics: p.ics,
          collaborative: p.collaborative,
          nhsNumber,
          // A source record is one provider's, whatever the patient: each patient gets ids of their own.
          sourceRecordId: `${sourceRecordId}-${nhsNumber}`,
          occurredAt: now - hoursAgo * HOUR,
        },
      });
      const ccr: RecordChangeEvent[] = [
        testEvents.PatientRegistered({
          ...from(gp, 'gp-patient', 72),
          registeredGpPracticeOdsCode: gp.odsCode,
        }),
        testEvents.ProblemRecorded(from(gp, 'gp-problem', 48)),
        testEvents.AllergyRecorded(from(gp, 'gp-allergy', 47)),
        testEvents.MedicationPrescribed(from(gp, 'gp-prescription', 46)),
        testEvents.ReferralMade({ ...from(gp, 'gp-referral', 40), recipientOdsCode: referred.odsCode }),
        testEvents.MedicationDispensed(from(pharmacy, 'pharmacy-dispense', 20)),
        testEvents.SocialCareInvolvementRecorded(from(council, 'council-home-care', 30)),
        testEvents.SocialCareInvolvementRecorded({
          ...from(council, 'council-safeguarding', 24),
          involvementType: 'SAFEGUARDING',
          recordKind: 'SAFEGUARDING',
          allocatedTeam: 'Access Test Safeguarding Team',
          restricted: true,
        }),
      ];
      if (nhsNumber === OBJECTING)
        ccr.push(testEvents.SharingObjectionRecorded({ ...from(gp, 'gp-objection', 10), status: 'ACTIVE' }));
      restricted.set(
        nhsNumber,
        ccr.find((e) => e.header.sourceRecordId.startsWith('council-safeguarding'))!,
      );
      await storeLocalRecord(api.readModel, nhsNumber, 5, ccr);
      // The acute trust is in the other collaborative: its encounter arrives through OHC's changelog.
      await storeRemoteRecord(api.readModel, {
        nhsNumber,
        collaborative: 'OHC',
        sequence: 3,
        updatedAt: now - HOUR,
        mergedInto: null,
        mergedFrom: [],
        items: [
          testEvents.EncounterStarted({ ...from(acute, 'ae-attendance', 6), startedAt: now - 6 * HOUR }),
        ],
      });
    }
  });
  afterAll(() => api?.close());

  it.each(TABLE.map((cell) => [describeCell(cell), cell] as const))('%s', async (_, cell) => {
    const correlationId = uniqueName('access');
    const nhsNumber = cell.patient === 'shared' ? SHARED : OBJECTING;
    const answer = await api.get(`/patients/${nhsNumber}/record`, {
      authorization: `Bearer ${api.token({ sub: uniqueName('user'), role: cell.role, org: orgs[cell.org] })}`,
      'x-purpose-of-use': cell.purpose,
      'x-correlation-id': correlationId,
      ...(cell.breakGlass ? { 'x-break-glass-reason': EMERGENCY } : {}),
    });

    expect(answer.status).toBe(cell.status);
    const body = answer.body;
    if (cell.status === 200) {
      for (const section of cell.shows ?? []) expect(itemsIn(body[section])).toBeGreaterThan(0);
      for (const section of cell.withheld ?? []) expect(body).not.toHaveProperty(section);
      for (const section of cell.empty ?? []) expect(itemsIn(body[section])).toBe(0);
      expect(body.access).toMatchObject({
        breakGlass: cell.outcome === 'BREAK_GLASS',
        objectionApplied: cell.objectionApplied ?? false,
      });
      if (cell.restrictedShown !== undefined && body.socialCare) {
        expect(body.socialCare.restrictedWithheld).toBe(cell.restrictedShown ? 0 : 1);
        expect(answer.text.includes(restricted.get(nhsNumber)!.header.eventId)).toBe(cell.restrictedShown);
      }
    } else {
      // A refusal carries no record data at all.
      expect(answer.text).not.toMatch(/gp-problem|ae-attendance|council-home-care/);
      expect(body.detail).toEqual(expect.any(String));
    }

    const [audited] = await api.auditedReads(correlationId, 1, 0);
    expect(audited.event).toMatchObject({
      outcome: cell.outcome,
      denial: cell.denial ?? null,
      organisationOdsCode: orgs[cell.org],
      purposeOfUse: cell.purpose,
      nhsNumber,
      identityVerified: true,
      breakGlassReason: cell.outcome === 'BREAK_GLASS' ? EMERGENCY : null,
      objectionApplied: cell.objectionApplied ?? false,
      ...(cell.relationship ? { relationship: cell.relationship } : {}),
    });
    if (cell.status !== 200)
      expect(audited.event).toMatchObject({ sources: [], itemCount: 0, reason: body.detail });

    const alerts = await api.alertsFor(correlationId, cell.outcome === 'BREAK_GLASS' ? 1 : 0, 200);
    if (cell.outcome === 'BREAK_GLASS')
      expect(alerts).toEqual([
        expect.objectContaining({
          kind: 'BREAK_GLASS',
          organisationOdsCode: orgs[cell.org],
          nhsNumber,
          reason: EMERGENCY,
          auditId: audited.event.auditId,
          identityVerified: true,
        }),
      ]);
    else expect(alerts).toEqual([]);
  });
});

describe('tokens that are not to be trusted (real stack)', () => {
  let api: RecordApiUnderTest;
  let gp: string;

  beforeAll(async () => {
    api = await RecordApiUnderTest.start();
    gp = api.services.directory.providers({ type: 'GP_PRACTICE', ics: 'QHL' })[0].odsCode;
  });
  afterAll(() => api?.close());

  it.each<[string, () => string, RegExp]>([
    ['an unknown issuer', () => api.token({ iss: 'https://idp.elsewhere.example', org: gp }), /issuer/],
    ['a wrong audience', () => api.token({ aud: 'another-service', org: gp }), /aud/],
    [
      'too long a lifetime',
      () => api.issuer.token({ org: gp }, { lifetimeSeconds: 24 * 3600 }),
      /lives longer than/,
    ],
    ['an unknown kid', () => api.issuer.token({ org: gp }, { kid: 'rotated-away' }), /key|kid/],
    ['alg none', () => api.issuer.token({ org: gp }, { alg: 'none' }), /RS256 or ES256/],
    [
      'HS256 (signed with the public key, the confusion attack)',
      () => api.issuer.token({ org: gp }, { alg: 'HS256' }),
      /RS256 or ES256/,
    ],
  ])('%s: 401, nothing read, audited as BAD_TOKEN with what it claimed', async (_, token, reason) => {
    const correlationId = uniqueName('token');
    const answer = await api.get(`/patients/${SHARED}/record`, {
      authorization: `Bearer ${token()}`,
      'x-purpose-of-use': 'DIRECT_CARE',
      'x-correlation-id': correlationId,
    });

    expect(answer.status).toBe(401);
    expect(answer.body.detail).toMatch(reason);
    const [audited] = await api.auditedReads(correlationId, 1, 0);
    expect(audited.event).toMatchObject({
      outcome: 'DENIED',
      denial: 'BAD_TOKEN',
      identityVerified: false,
      organisationOdsCode: gp,
      user: expect.objectContaining({ id: 'u-test-1' }),
      nhsNumber: SHARED,
      reason: answer.body.detail,
    });
  });
});

describe('throttling and alerts (real stack, low limits)', () => {
  let api: RecordApiUnderTest;
  let gp: string;
  let stranger: string;

  beforeAll(async () => {
    api = await RecordApiUnderTest.start({
      RECORD_API_USER_REQUESTS_PER_MINUTE: '6',
      RECORD_API_USER_BURST: '3',
      RECORD_API_BAD_TOKENS_PER_MINUTE: '6',
      RECORD_API_BAD_TOKENS_BURST: '3',
      RECORD_API_REFUSAL_ALERT_THRESHOLD: '3',
      RECORD_API_REFUSAL_ALERT_WINDOW_SECONDS: '60',
      // Each test speaks from its own address (X-Forwarded-For from the loopback proxy), so their counts stay apart.
      RECORD_API_TRUSTED_PROXIES: 'loopback',
    });
    const directory = api.services.directory;
    gp = directory.providers({ type: 'GP_PRACTICE', ics: 'QHL' })[0].odsCode;
    stranger = directory.providers({ type: 'ACUTE_TRUST', ics: 'QGH' })[0].odsCode;
  });
  afterAll(() => api?.close());

  let address = '';
  let tests = 0;
  beforeEach(() => {
    address = `198.51.100.${++tests}`;
  });
  const get = (token: string, correlationId = uniqueName('throttle')) =>
    api.get(`/patients/${SHARED}/record`, {
      authorization: `Bearer ${token}`,
      'x-purpose-of-use': 'DIRECT_CARE',
      'x-correlation-id': correlationId,
      'x-forwarded-for': address,
    });

  it('a user over their burst gets 429 with Retry-After, audited as THROTTLED; another user is not held up', async () => {
    const token = api.token({ sub: uniqueName('busy'), org: gp });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(token)).status);
    const correlationId = uniqueName('throttled');
    const throttled = await get(token, correlationId);

    expect(statuses.every((s) => s !== 429)).toBe(true);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const [audited] = await api.auditedReads(correlationId, 1, 0);
    expect(audited.event).toMatchObject({ outcome: 'DENIED', denial: 'THROTTLED', identityVerified: true });
    expect((await get(api.token({ sub: uniqueName('calm'), org: gp }))).status).not.toBe(429);
  });

  it('repeated refusals of one user raise one REPEATED_REFUSALS alert for the privacy officer', async () => {
    const sub = uniqueName('snoop');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(uniqueName('snoop'));
      expect((await get(api.token({ sub, org: stranger }), ids[i])).status).toBe(403);
    }
    const [alert] = await api.alertsFor(ids[2]);
    expect(alert).toMatchObject({
      kind: 'REPEATED_REFUSALS',
      userId: sub,
      organisationOdsCode: stranger,
      refusals: 3,
      windowSeconds: 60,
      identityVerified: true,
    });
    expect(await api.alertsFor(ids[1], 0, 0)).toEqual([]);
  });

  it('an address that sent a burst of bad tokens is answered 429 before its next token is checked, and alerted', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(uniqueName('forged'));
      expect((await get(`${api.token({ org: gp }).slice(0, -6)}AAAAAA`, ids[i])).status).toBe(401);
    }
    const correlationId = uniqueName('after-forgeries');
    const next = await get(api.token({ sub: uniqueName('innocent'), org: gp }), correlationId);

    expect(next.status).toBe(429);
    const [audited] = await api.auditedReads(correlationId, 1, 0);
    expect(audited.event).toMatchObject({ denial: 'THROTTLED', user: null, identityVerified: false });
    const alerts = await api.alertsFor(ids[2]);
    expect(alerts).toEqual([
      expect.objectContaining({ kind: 'REPEATED_REFUSALS', refusals: 3, clientIp: address, userId: null }),
    ]);
    // Another address is not held up by this one's forgeries.
    address = '198.51.100.251';
    expect((await get(api.token({ sub: uniqueName('elsewhere'), org: gp }))).status).not.toBe(429);
  });
});

function describeCell(cell: Cell): string {
  const who = `${cell.role} at ${cell.org}`;
  const why = `${cell.purpose}${cell.breakGlass ? ' + break-glass reason' : ''}`;
  const result = cell.denial ? `${cell.status} ${cell.denial}` : `${cell.status} ${cell.outcome}`;
  return `${who}, ${why}, ${cell.patient} patient → ${result}`;
}

/** How many items a section of the JSON answer holds (lists, nested sections, single entries). */
function itemsIn(section: unknown): number {
  if (section === null || section === undefined || typeof section !== 'object') return 0;
  if (Array.isArray(section)) return section.reduce((n: number, entry) => n + itemsIn(entry), 0);
  if ('provenance' in section) return 1;
  return Object.values(section).reduce((n: number, value) => n + itemsIn(value), 0);
}
