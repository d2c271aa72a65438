import { testNhsNumber } from '@crosscare/events/synthetic';
import type { SubscriptionFilter } from '@crosscare/fhir-subscriptions';
import { loadAccessRoles } from '@crosscare/governance';
import type { SubscriptionRow } from '../store/subscription-store';
import { SubscriptionIndex } from './subscription-index';

const roles = loadAccessRoles();
const PRACTICE = 'M01358';
const PATIENT = testNhsNumber(1);

let ids = 0;
/** The fields the index reads; the rest as the store would hold them. */
function row(filter: SubscriptionFilter, fields: Partial<SubscriptionRow> = {}): SubscriptionRow {
  const created = new Date(Date.UTC(2025, 1, 1));
  ids += 1;
  return {
    id: `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    ownerOdsCode: PRACTICE,
    createdBy: 'system-user',
    role: 'clinician',
    topic: 'patient-record-changed',
    filter,
    channelType: 'rest-hook',
    endpoint: 'https://receiver.example.nhs.uk/notify',
    headerNames: [],
    sealedHeaders: null,
    payload: 'id-only',
    heartbeatSeconds: null,
    timeoutSeconds: null,
    maxCount: 10,
    endAt: null,
    reason: 'test',
    status: 'active',
    error: null,
    versionId: 1,
    createdAt: created,
    lastUpdated: created,
    eventsSinceStart: 0,
    deliveredThrough: 0,
    consecutiveFailures: 0,
    nextAttemptAt: created,
    lastSentAt: null,
    ...fields,
  };
}

const idsOf = (entries: readonly { row: SubscriptionRow }[]) => entries.map((e) => e.row.id);

describe('SubscriptionIndex', () => {
  it("finds a patient's subscriptions by NHS number, and a practice's by its ODS code in any case", () => {
    const patient = row({ patient: PATIENT });
    const practice = row({ registeredWith: PRACTICE });
    const index = new SubscriptionIndex([patient, practice], roles);
    expect(idsOf(index.forPatient(PATIENT))).toEqual([patient.id]);
    expect(idsOf(index.forPatient(testNhsNumber(2)))).toEqual([]);
    expect(idsOf(index.forPractice(PRACTICE))).toEqual([practice.id]);
    expect(idsOf(index.forPractice(PRACTICE.toLowerCase()))).toEqual([practice.id]);
    expect(idsOf(index.forPractice('M99001'))).toEqual([]);
    expect(index.forPractice(null)).toEqual([]);
  });

  it('indexes a practice filter given in lower case under the upper-case code', () => {
    const practice = row({ registeredWith: PRACTICE.toLowerCase() });
    expect(idsOf(new SubscriptionIndex([practice], roles).forPractice(PRACTICE))).toEqual([practice.id]);
  });

  it('indexes a subscription with both filters by its patient only, so it is compared once', () => {
    const both = row({ patient: PATIENT, registeredWith: PRACTICE });
    const index = new SubscriptionIndex([both], roles);
    expect(idsOf(index.forPatient(PATIENT))).toEqual([both.id]);
    expect(index.forPractice(PRACTICE)).toEqual([]);
    expect(index.followsPractices).toBe(false);
    expect(index.size).toBe(1);
  });

  it('keeps several subscriptions of one patient or practice, in the order given', () => {
    const rows = [
      row({ patient: PATIENT }),
      row({ registeredWith: PRACTICE }),
      row({ patient: PATIENT }, { topic: 'encounter-started' }),
      row({ registeredWith: PRACTICE }, { topic: 'patient-died' }),
    ];
    const index = new SubscriptionIndex(rows, roles);
    expect(idsOf(index.forPatient(PATIENT))).toEqual([rows[0].id, rows[2].id]);
    expect(idsOf(index.forPractice(PRACTICE))).toEqual([rows[1].id, rows[3].id]);
    expect(index.size).toBe(4);
  });

  it("gives each subscription the sections its subscriber's role is granted, by key or RBAC code", () => {
    const admin = row({ patient: PATIENT }, { role: 'administrative' });
    const byCode = row({ patient: PATIENT }, { role: 'R8000' });
    const [adminEntry, codeEntry] = new SubscriptionIndex([admin, byCode], roles).forPatient(PATIENT);
    expect([...adminEntry.sections].sort()).toEqual(['alerts', 'death', 'demographics', 'encounters']);
    expect([...codeEntry.sections].sort()).toEqual([...roles.role('clinician')!.sections].sort());
  });

  it('leaves out subscriptions that are off, and those of a role the roles file no longer has', () => {
    const rows = [
      row({ patient: PATIENT }, { status: 'off' }),
      row({ registeredWith: PRACTICE }, { role: 'retired-role' }),
      row({ patient: PATIENT }, { status: 'requested' }),
      row({ patient: PATIENT }, { status: 'error' }),
    ];
    const index = new SubscriptionIndex(rows, roles);
    expect(idsOf(index.forPatient(PATIENT))).toEqual([rows[2].id, rows[3].id]);
    expect(index.forPractice(PRACTICE)).toEqual([]);
    expect(index.size).toBe(2);
    expect(index.followsPractices).toBe(false);
  });

  it('follows practices only when some subscription follows a practice', () => {
    expect(new SubscriptionIndex([], roles).followsPractices).toBe(false);
    expect(new SubscriptionIndex([row({ patient: PATIENT })], roles).followsPractices).toBe(false);
    expect(new SubscriptionIndex([row({ registeredWith: PRACTICE })], roles).followsPractices).toBe(true);
    expect(new SubscriptionIndex([], roles).size).toBe(0);
  });
});
