import { NHS_NUMBER_SYSTEM } from '@crosscare/fhir';
import { viewSharedRecord } from '@crosscare/projection';
import type { Bundle, OperationOutcome, Patient, Provenance, Resource } from '@medplum/fhirtypes';
import {
  ccrSnapshot,
  CLINICIAN_AT_GP,
  EVENTS,
  ohcSnapshot,
  PATIENT,
  recordSet,
  RETIRED,
  TEST_NOW,
} from '../testing/record-set-fixtures';
import type { PatientRecordSet } from '@crosscare/read-model';
import { sharedRecordBundle } from './shared-record-bundle';
import type { RecordAccessSummary } from './shared-record-document';

const BUNDLE_ID = '6a0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';
const CLINICIAN = CLINICIAN_AT_GP;

function render(set: PatientRecordSet, includeRestricted: boolean) {
  const view = viewSharedRecord(set.records, { now: TEST_NOW, includeRestricted });
  return sharedRecordBundle(set, view, {
    bundleId: BUNDLE_ID,
    now: TEST_NOW,
    includeRestricted,
    providerName: () => undefined,
    access: CLINICIAN,
  });
}

const resources = (bundle: Bundle): Resource[] => (bundle.entry ?? []).map((e) => e.resource as Resource);
const ofType = <T extends Resource>(bundle: Bundle, type: T['resourceType']) =>
  resources(bundle).filter((r): r is T => r.resourceType === type);
const provenanceEventIds = (bundle: Bundle) =>
  ofType<Provenance>(bundle, 'Provenance').map(
    (p) => p.extension?.[0].extension?.find((e) => e.url === 'eventId')?.valueString,
  );

describe('the FHIR answer', () => {
  it('given both collaboratives, then the Bundle carries the patient, both items and a Provenance for each', () => {
    const { bundle, itemCount } = render(recordSet([ccrSnapshot(), ohcSnapshot()]), true);

    expect(bundle).toMatchObject({ resourceType: 'Bundle', id: BUNDLE_ID, type: 'collection' });
    const patient = ofType<Patient>(bundle, 'Patient');
    expect(patient).toHaveLength(1);
    expect(patient[0].identifier?.[0]).toEqual({ system: NHS_NUMBER_SYSTEM, value: PATIENT });
    expect(ofType(bundle, 'Condition')).toHaveLength(1);
    expect(ofType(bundle, 'Encounter')).toHaveLength(1);
    expect(provenanceEventIds(bundle)).toEqual(
      expect.arrayContaining([EVENTS.details, EVENTS.problem, EVENTS.encounter].map((e) => e.header.eventId)),
    );
    expect(itemCount).toBe(ofType(bundle, 'Provenance').length);
  });

  it('given a reader who may not see restricted items, then they are left out and an OperationOutcome counts them', () => {
    const { bundle, restrictedWithheld, itemCount } = render(
      recordSet([ccrSnapshot(), ohcSnapshot()]),
      false,
    );

    expect(restrictedWithheld).toBe(1);
    expect(provenanceEventIds(bundle)).not.toContain(EVENTS.safeguarding.header.eventId);
    expect(provenanceEventIds(bundle)).toContain(EVENTS.homeCare.header.eventId);
    expect(JSON.stringify(bundle)).not.toContain('Birmingham Children Safeguarding');
    const [notice] = ofType<OperationOutcome>(bundle, 'OperationOutcome');
    expect(notice.issue[0]).toMatchObject({ severity: 'information', code: 'suppressed' });
    expect(notice.issue[0].diagnostics).toMatch(/^1 restricted social care item was withheld/);
    expect(itemCount).toBe(4);
  });

  it('given a reader who may see restricted items, then they are shown and nothing is said withheld', () => {
    const { bundle, restrictedWithheld } = render(recordSet([ccrSnapshot(), ohcSnapshot()]), true);
    expect(restrictedWithheld).toBe(0);
    expect(provenanceEventIds(bundle)).toContain(EVENTS.safeguarding.header.eventId);
    expect(ofType(bundle, 'OperationOutcome')).toEqual([]);
  });

  it('given a retired number asked for, then the survivor replaces it and a Patient for it points on', () => {
    const { bundle } = render(recordSet([ccrSnapshot()], RETIRED), true);

    const [survivor, retired] = ofType<Patient>(bundle, 'Patient');
    const survivorUrl = bundle.entry?.find((e) => e.resource === survivor)?.fullUrl;
    expect(survivor.identifier?.[0].value).toBe(PATIENT);
    expect(survivor.link).toEqual([
      { other: { identifier: { system: NHS_NUMBER_SYSTEM, value: RETIRED } }, type: 'replaces' },
    ]);
    expect(retired).toMatchObject({
      active: false,
      identifier: [{ system: NHS_NUMBER_SYSTEM, value: RETIRED }],
      link: [{ other: { reference: survivorUrl }, type: 'replaced-by' }],
    });
  });

  it('renders the same record into the same Bundle', () => {
    const set = recordSet([ccrSnapshot(), ohcSnapshot()], RETIRED);
    expect(render(set, false)).toEqual(render(set, false));
  });
});

describe('what the access rules left out', () => {
  const notices = (access: RecordAccessSummary) => {
    const set = recordSet([ccrSnapshot(), ohcSnapshot()]);
    const view = viewSharedRecord(set.records, { now: TEST_NOW, includeRestricted: false });
    const { bundle } = sharedRecordBundle(set, view, {
      bundleId: BUNDLE_ID,
      now: TEST_NOW,
      includeRestricted: false,
      providerName: () => undefined,
      access,
    });
    return ofType<OperationOutcome>(bundle, 'OperationOutcome')
      .filter((o) => !JSON.stringify(o).includes('restricted social care'))
      .flatMap((o) => o.issue.map((i) => [i.code, i.diagnostics]));
  };

  it('given a reader who sees everything under a relationship, then there is nothing to say', () => {
    expect(notices(CLINICIAN)).toEqual([]);
  });

  it('given withheld sections, an objection and a broken glass, then an OperationOutcome says each', () => {
    const said = notices({
      ...CLINICIAN,
      breakGlass: true,
      objectionApplied: true,
      sectionsWithheld: ['problems'],
    });
    expect(said.map(([code]) => code)).toEqual(['informational', 'suppressed', 'suppressed']);
    expect(said.map(([, text]) => text).join(' ')).toMatch(
      /Emergency access[\s\S]*objects to sharing[\s\S]*problems/,
    );
  });
});
