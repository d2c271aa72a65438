import type { Consent } from '@medplum/fhirtypes';
import { at, days, draftsOf, issuesOf } from '../expect-mapping.spec';
import { gpSharingObjection } from '../fixtures';

const SOURCE = {
  nhsNumber: '9990000018',
  sourceRecordId: 'Consent/3b9e6f12-8c4d-4a7e-b1f5-0d2c7e9a4b68',
  sourceRecordVersion: 1,
  operation: 'CREATE',
  occurredAt: at('2024-03-04T10:15:00Z'),
};
const REFUSED_LOCAL_SHARING = {
  system: 'http://snomed.info/sct',
  code: '416409005',
  display: 'Refused consent for upload to local shared electronic record',
};

const withdrawal = (changes: Partial<Consent>): Consent => ({
  ...gpSharingObjection(),
  meta: { versionId: '2', lastUpdated: '2024-06-11T09:00:00+00:00' },
  ...changes,
});

describe('Consent', () => {
  it("given a practice's active privacy Consent that denies, yields an ACTIVE SharingObjectionRecorded", () => {
    expect(draftsOf(gpSharingObjection())).toEqual([
      {
        type: 'SharingObjectionRecorded',
        source: SOURCE,
        body: {
          status: 'ACTIVE',
          code: REFUSED_LOCAL_SHARING,
          recordedBy: null,
          statedOn: days('2024-03-04'),
        },
      },
    ]);
  });

  it.each<[string, Partial<Consent>]>([
    ['status inactive', { status: 'inactive' }],
    ['status rejected', { status: 'rejected' }],
    ['provision.type permit', { provision: { type: 'permit' } }],
  ])('given the same record with %s, yields it WITHDRAWN as the next version', (_, changes) => {
    const [objection] = draftsOf(withdrawal(changes), { operation: 'update' });

    expect(objection).toMatchObject({
      type: 'SharingObjectionRecorded',
      source: { sourceRecordId: SOURCE.sourceRecordId, sourceRecordVersion: 2, operation: 'UPDATE' },
      body: { status: 'WITHDRAWN' },
    });
  });

  it('given only the generic LOINC category, carries no code', () => {
    const consent = gpSharingObjection();
    consent.category = consent.category.slice(0, 1);

    expect(draftsOf(consent)[0].body).toMatchObject({ code: null });
  });

  it('given entered-in-error, removes the objection shared earlier', () => {
    expect(draftsOf(withdrawal({ status: 'entered-in-error' }))).toEqual([
      {
        type: 'RecordRemoved',
        source: expect.objectContaining({ sourceRecordId: SOURCE.sourceRecordId, operation: 'DELETE' }),
        body: {
          removedEventType: 'SharingObjectionRecorded',
          removedSourceRecordId: SOURCE.sourceRecordId,
          reason: 'ENTERED_IN_ERROR',
          replacedBySourceRecordId: null,
        },
      },
    ]);
  });

  it('given a Consent that is not about sharing (a treatment consent), refuses it naming the scope', () => {
    const consent = gpSharingObjection();
    consent.scope = {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }],
    };

    expect(issuesOf(consent)).toEqual([
      {
        code: 'not-supported',
        location: 'Consent.scope',
        message: expect.stringContaining(
          "Consent.scope is treatment: Crosscare takes only a patient's objection",
        ),
      },
    ]);
  });

  it.each(['draft', 'proposed'] as const)(
    'given status %s, refuses it: a wish not yet in force',
    (status) => {
      expect(issuesOf({ ...gpSharingObjection(), status })).toEqual([
        {
          code: 'value',
          location: 'Consent.status',
          message: expect.stringContaining(
            `Consent.status '${status}' does not say whether the objection stands`,
          ),
        },
      ]);
    },
  );

  it('given an active Consent without provision.type, refuses it naming the element', () => {
    const { provision: _provision, ...consent } = gpSharingObjection();

    expect(issuesOf(consent)).toEqual([
      { code: 'required', location: 'Consent.provision.type', message: expect.stringContaining('deny') },
    ]);
  });

  it('given no dateTime, refuses it: the day the patient stated it is part of the objection', () => {
    const { dateTime: _dateTime, ...consent } = gpSharingObjection();

    expect(issuesOf(consent)).toEqual([
      {
        code: 'required',
        location: 'Consent.dateTime',
        message: expect.stringContaining('the day the patient'),
      },
    ]);
  });

  it('given a patient without an NHS number, refuses it as the other mappings do', () => {
    const consent = gpSharingObjection();
    consent.patient = { display: 'Jane' };

    expect(issuesOf(consent).map((issue) => issue.location)).toEqual(['Consent.patient']);
  });
});
