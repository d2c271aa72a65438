import type { Condition } from '@medplum/fhirtypes';
import { at, draftsOf, issuesOf } from './expect-mapping.spec';
import { gpCondition } from './fixtures';
import { FHIR_RESOURCE_TYPES, isSupportedResourceType } from './resource-types';

const withSubjectNhsNumber = (value: string): Condition => ({
  ...gpCondition(),
  subject: { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value } },
});

describe('mapFhirResource', () => {
  describe('resource type', () => {
    it('given something that is not a JSON object, rejects it as structure', () => {
      expect(issuesOf(['Condition'])).toEqual([
        {
          code: 'structure',
          location: 'Resource',
          message: 'expected a FHIR resource: a JSON object with a resourceType',
        },
      ]);
    });

    it('given an unknown resourceType, rejects it as structure', () => {
      expect(issuesOf({ resourceType: 'Allergy', id: '1' })).toEqual([
        {
          code: 'structure',
          location: 'Resource.resourceType',
          message: "'Allergy' is not a FHIR R4 resource type",
        },
      ]);
    });

    it('given a real FHIR resource Crosscare does not take, rejects it as not supported and lists what it takes', () => {
      const [issue] = issuesOf({ resourceType: 'Specimen', id: '1', status: 'available', subject: {} });

      expect(issue.code).toBe('not-supported');
      expect(issue.location).toBe('Specimen.resourceType');
      expect(issue.message).toContain('AllergyIntolerance');
    });

    it('lists the sixteen resource types it maps', () => {
      expect(FHIR_RESOURCE_TYPES).toHaveLength(16);
      expect(isSupportedResourceType('Flag') && isSupportedResourceType('DocumentReference')).toBe(true);
      expect(isSupportedResourceType('DiagnosticReport') && isSupportedResourceType('Procedure')).toBe(true);
      expect(isSupportedResourceType('CarePlan')).toBe(true);
      expect(isSupportedResourceType('Specimen')).toBe(false);
    });
  });

  describe('structure', () => {
    it('given a malformed date and an unknown element, reports both with their FHIRPath', () => {
      const condition = { ...gpCondition(), recordedDate: '2024-13-45', severityScore: 3 };

      expect(issuesOf(condition)).toEqual([
        { code: 'value', location: 'Condition.recordedDate', message: 'Invalid dateTime format' },
        {
          code: 'structure',
          location: 'Condition.severityScore',
          message: 'Invalid additional property "severityScore"',
        },
      ]);
    });

    it('given a date in the right format that is not on the calendar, reports it at the element', () => {
      const condition: Condition = { ...gpCondition(), onsetDateTime: '2023-02-30' };

      expect(issuesOf(condition)).toEqual([
        {
          code: 'value',
          location: 'Condition.onsetDateTime',
          message: "Condition.onsetDateTime: '2023-02-30' is not a real date or time",
        },
      ]);
    });
  });

  describe('patient identity', () => {
    it('given a subject without an NHS number, reports it required at the subject', () => {
      const condition: Condition = { ...gpCondition(), subject: { display: 'Jane Hollis' } };

      expect(issuesOf(condition)).toEqual([
        {
          code: 'required',
          location: 'Condition.subject',
          message:
            'Condition.subject must identify the patient by NHS number: identifier.system ' +
            'https://fhir.nhs.uk/Id/nhs-number, or a reference to a Patient that has one (an entry of the same ' +
            'transaction Bundle, a contained Patient, or a Patient this provider sent before)',
        },
      ]);
    });

    it('given Patient/id of a Patient the provider never sent, names the reference it cannot resolve', () => {
      const condition: Condition = { ...gpCondition(), subject: { reference: 'Patient/123' } };

      expect(issuesOf(condition)).toEqual([
        {
          code: 'required',
          location: 'Condition.subject.reference',
          message:
            "Condition.subject.reference 'Patient/123' cannot be resolved to a patient with an NHS number: " +
            'no Patient Patient/123 with an NHS number was sent by this provider before',
        },
      ]);
    });

    it('given Patient/id of a Patient the provider sent before, takes its NHS number', () => {
      const condition: Condition = { ...gpCondition(), subject: { reference: 'Patient/123/_history/4' } };
      const earlierPatients = new Map([['Patient/123', { nhsNumber: '9990000026' }]]);

      const [problem] = draftsOf(condition, { earlierPatients });

      expect(problem.source.nhsNumber).toBe('9990000026');
    });

    it('given Patient/id of a Patient the app found unusable (deleted), says why', () => {
      const condition: Condition = { ...gpCondition(), subject: { reference: 'Patient/123' } };
      const earlierPatients = new Map([['Patient/123', { unusable: 'M85001 deleted Patient/123' }]]);

      expect(issuesOf(condition, { earlierPatients })[0].message).toBe(
        "Condition.subject.reference 'Patient/123' cannot be resolved to a patient with an NHS number: " +
          'M85001 deleted Patient/123',
      );
    });

    it('given a contained Patient with an NHS number, takes it; without one, reports it in the contained Patient', () => {
      const contained = (value?: string): Condition => ({
        ...gpCondition(),
        contained: [
          {
            resourceType: 'Patient',
            id: 'p1',
            identifier: value ? [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value }] : [],
          },
        ],
        subject: { reference: '#p1' },
      });

      expect(draftsOf(contained('9990000026'))[0].source.nhsNumber).toBe('9990000026');
      expect(issuesOf(contained()).map((issue) => [issue.code, issue.location])).toEqual([
        ['required', 'Condition.contained[0].identifier'],
      ]);
      expect(issuesOf({ ...contained('9990000026'), subject: { reference: '#p2' } })[0].message).toBe(
        "Condition.subject.reference '#p2' names no contained Patient",
      );
    });

    it('given an NHS number failing its check digit, reports the value with the reason', () => {
      expect(issuesOf(withSubjectNhsNumber('9990000019'))).toEqual([
        {
          code: 'value',
          location: 'Condition.subject.identifier.value',
          message: 'Condition.subject.identifier.value: the NHS number fails its modulus-11 check digit',
        },
      ]);
    });

    it('given an NHS number of nine digits, says an NHS number has ten', () => {
      const [issue] = issuesOf(withSubjectNhsNumber('999000001'));

      expect(issue.message).toBe('Condition.subject.identifier.value: an NHS number has 10 digits');
    });

    it('given a valid NHS number outside the test range, written with spaces, accepts it in canonical form', () => {
      const [problem] = draftsOf(withSubjectNhsNumber('943 476 5919'));

      expect(problem.source.nhsNumber).toBe('9434765919');
    });
  });

  describe('versions', () => {
    it('given no versionId and no lastUpdated, explains that the version is needed for idempotent re-sends', () => {
      const condition: Condition = { ...gpCondition(), meta: {} };

      expect(issuesOf(condition)).toEqual([
        {
          code: 'required',
          location: 'Condition.meta.versionId',
          message:
            'Condition.meta.versionId (an integer) or meta.lastUpdated is required: the version makes re-sends ' +
            'idempotent and lets a later version win over an earlier one',
        },
      ]);
    });

    it('given a non-integer versionId with lastUpdated, versions the record by lastUpdated', () => {
      const condition: Condition = {
        ...gpCondition(),
        meta: { versionId: 'W3', lastUpdated: '2024-01-09T11:02:00.250+00:00' },
      };

      const [problem] = draftsOf(condition);

      expect(problem.source.sourceRecordVersion).toBe(at('2024-01-09T11:02:00.250Z'));
    });

    it('given no version of its own, takes the version the app assigned; a declared one wins over it', () => {
      const { meta: _meta, ...unversioned } = gpCondition();

      expect(draftsOf(unversioned, { assignedVersion: 7 })[0].source.sourceRecordVersion).toBe(7);
      expect(
        draftsOf({ ...unversioned, meta: { versionId: 'abc' } }, { assignedVersion: 7 })[0].source
          .sourceRecordVersion,
      ).toBe(7);
      expect(draftsOf(gpCondition(), { assignedVersion: 7 })[0].source.sourceRecordVersion).toBe(2);
    });

    it('given neither a clinical time nor lastUpdated, dates the change by its receipt', () => {
      const { recordedDate: _recorded, onsetDateTime: _onset, meta: _meta, ...condition } = gpCondition();
      const receivedAt = at('2026-12-05T01:30:00Z');

      const [problem] = draftsOf(condition, { assignedVersion: 1, receivedAt });

      expect(problem.source.occurredAt).toBe(receivedAt);
    });

    it('given no clinical time, dates the change by lastUpdated', () => {
      const { recordedDate: _recorded, onsetDateTime: _onset, ...condition } = gpCondition();

      const [problem] = draftsOf(condition);

      expect(problem.source.occurredAt).toBe(at('2024-01-09T11:02:00Z'));
    });
  });

  it('given several problems at once, reports every one of them', () => {
    const { id: _id, ...withoutId } = gpCondition();
    const condition: Condition = {
      ...withoutId,
      meta: {},
      subject: { display: 'no NHS number' },
      code: { text: 'diabetes' },
    };

    expect(issuesOf(condition).map((issue) => [issue.code, issue.location])).toEqual([
      ['required', 'Condition.subject'],
      ['required', 'Condition.id'],
      ['required', 'Condition.meta.versionId'],
      ['required', 'Condition.code'],
    ]);
  });
});
