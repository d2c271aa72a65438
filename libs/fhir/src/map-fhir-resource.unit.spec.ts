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

    it('lists the fourteen resource types it maps', () => {
      expect(FHIR_RESOURCE_TYPES).toHaveLength(14);
      expect(isSupportedResourceType('DiagnosticReport')).toBe(true);
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
            'https://fhir.nhs.uk/Id/nhs-number, or a reference to a Patient entry of the same transaction Bundle that has one',
        },
      ]);
    });

    it('given a reference to a Patient outside any transaction, says why it cannot be followed', () => {
      const condition: Condition = { ...gpCondition(), subject: { reference: 'Patient/123' } };

      const [issue] = issuesOf(condition);

      expect(issue.code).toBe('required');
      expect(issue.message).toContain("('Patient/123' is not a Patient entry with an NHS number");
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
