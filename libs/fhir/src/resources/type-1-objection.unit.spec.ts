import type { Consent } from '@medplum/fhirtypes';
import { at, days, draftsOf, issuesOf } from '../expect-mapping.spec';
import { gpSharingObjection, gpType1Objection } from '../fixtures';

const SOURCE = {
  nhsNumber: '9990000018',
  sourceRecordId: 'Consent/5c2d8e41-7a93-4f06-b1e8-9d4a6c0f3e27',
  sourceRecordVersion: 1,
  operation: 'CREATE',
  occurredAt: at('2025-03-01T09:30:00Z'),
};
const SNOMED = 'http://snomed.info/sct';
const WITHDRAWN_CODE = {
  system: SNOMED,
  code: '827261000000102',
  display: 'Dissent withdrawn for secondary use of general practitioner patient identifiable data',
};

/** The fixture with its SNOMED CT category replaced by `coding` (the LOINC one kept). */
const codedAs = (coding: object[], changes: Partial<Consent> = {}): Consent => {
  const consent = gpType1Objection();
  return { ...consent, category: [consent.category[0], { coding }], ...changes };
};
const nextVersion = (changes: Partial<Consent>): Consent => ({
  ...gpType1Objection(),
  meta: { versionId: '2', lastUpdated: '2025-06-11T09:00:00+00:00' },
  ...changes,
});

describe('a type 1 objection (Consent coded for secondary use)', () => {
  it("given a practice's active dissent, yields an ACTIVE TYPE_1 opt-out draft, and no record change", () => {
    expect(draftsOf(gpType1Objection())).toEqual([
      {
        type: 'OptOutChanged',
        source: SOURCE,
        body: { kind: 'TYPE_1', status: 'ACTIVE', statedOn: days('2025-03-01') },
      },
    ]);
  });

  it.each<[string, Consent]>([
    ['the same record, next version, status inactive', nextVersion({ status: 'inactive' })],
    ['the same record, next version, status rejected', nextVersion({ status: 'rejected' })],
    [
      'a Consent coded 827261000000102 (dissent withdrawn), provision permit',
      codedAs([WITHDRAWN_CODE], { provision: { type: 'permit' } }),
    ],
    [
      'a Consent coded 827261000000102 with no provision',
      codedAs([WITHDRAWN_CODE], { provision: undefined }),
    ],
  ])('given %s, yields it WITHDRAWN', (_, consent) => {
    expect(draftsOf(consent)).toMatchObject([
      { type: 'OptOutChanged', body: { kind: 'TYPE_1', status: 'WITHDRAWN' } },
    ]);
  });

  it('takes scope patient-privacy too, and the code in provision.code', () => {
    const consent: Consent = {
      ...gpType1Objection(),
      scope: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }],
      },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      provision: { type: 'deny', code: [{ coding: [{ system: SNOMED, code: '827241000000103' }] }] },
    };

    expect(draftsOf(consent)).toMatchObject([{ type: 'OptOutChanged', body: { status: 'ACTIVE' } }]);
  });

  it('leaves a patient-privacy Consent without a type 1 code what it was: an objection to sharing', () => {
    expect(draftsOf(gpSharingObjection())).toMatchObject([{ type: 'SharingObjectionRecorded' }]);
  });

  it('given a research Consent with an unknown code, refuses it naming the two codes it takes', () => {
    const issues = issuesOf(codedAs([{ system: SNOMED, code: '881561000000100' }]));

    expect(issues).toEqual([
      {
        code: 'code-invalid',
        location: 'Consent.category',
        message: expect.stringMatching(/827241000000103 .*827261000000102/),
      },
    ]);
  });

  it('given a treatment scope, refuses it naming the scope', () => {
    const consent: Consent = {
      ...gpType1Objection(),
      scope: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }],
      },
    };

    expect(issuesOf(consent)).toEqual([
      {
        code: 'not-supported',
        location: 'Consent.scope',
        message: expect.stringContaining('Consent.scope is treatment'),
      },
    ]);
  });

  it('given no NHS number for the patient, refuses it at Consent.patient', () => {
    expect(issuesOf({ ...gpType1Objection(), patient: { display: 'Jane' } }).map((i) => i.location)).toEqual([
      'Consent.patient',
    ]);
  });

  it.each<[string, Consent, string, string]>([
    [
      'both codes at once',
      codedAs([{ system: SNOMED, code: '827241000000103' }, WITHDRAWN_CODE]),
      'Consent.category',
      'holds both',
    ],
    [
      'a dissent with provision permit',
      nextVersion({ provision: { type: 'permit' } }),
      'Consent.provision.type',
      'contradicts',
    ],
    ['a withdrawal with provision deny', codedAs([WITHDRAWN_CODE]), 'Consent.provision.type', 'contradicts'],
    [
      'an inactive withdrawal',
      codedAs([WITHDRAWN_CODE], { status: 'inactive', provision: undefined }),
      'Consent.status',
      'objects again',
    ],
    [
      'status draft',
      nextVersion({ status: 'draft' }),
      'Consent.status',
      'does not say whether the objection stands',
    ],
    [
      'status entered-in-error',
      nextVersion({ status: 'entered-in-error' }),
      'Consent.status',
      'cannot end a type 1 objection',
    ],
    ['no dateTime', nextVersion({ dateTime: undefined }), 'Consent.dateTime', 'the day the patient stated'],
  ])('given %s, refuses it rather than guess', (_, consent, location, message) => {
    expect(issuesOf(consent)).toEqual([
      { code: expect.any(String), location, message: expect.stringContaining(message) },
    ]);
  });
});
