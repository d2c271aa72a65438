import type { Bundle, BundleEntry, Condition, MedicationDispense } from '@medplum/fhirtypes';
import { admissionTransaction, gpCondition, pharmacyBatch, TRANSACTION_PATIENT_FULL_URL } from '../fixtures';
import { bundleEntryCount, planBundle } from './plan-bundle';

const options = { providerOdsCode: 'RRK' };

function entries(bundle: Bundle): BundleEntry[] {
  return bundle.entry ?? [];
}

describe('planBundle', () => {
  describe('transaction', () => {
    it('given clinical entries referring to the Patient entry by fullUrl and by Patient/id, maps them all', () => {
      const result = planBundle(admissionTransaction(), options);

      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.type).toBe('transaction');
      expect(
        result.value.entries.map((entry) =>
          entry.kind === 'write'
            ? [
                entry.method,
                entry.resourceType,
                entry.drafts.map((d) => [d.type, d.source.nhsNumber, d.source.operation]),
              ]
            : entry.kind,
        ),
      ).toEqual([
        ['PUT', 'Patient', [['PatientDetailsChanged', '9990000026', 'UPDATE']]],
        ['POST', 'Encounter', [['EncounterStarted', '9990000026', 'CREATE']]],
        ['PUT', 'Condition', [['ProblemRecorded', '9990000026', 'UPDATE']]],
      ]);
    });

    it('given one bad entry, rejects the whole Bundle with the issue located in that entry', () => {
      const bundle = admissionTransaction();
      const condition = entries(bundle)[2].resource as Condition;
      condition.code = { text: 'diabetes' };

      expect(planBundle(bundle, options)).toEqual({
        ok: false,
        issues: [
          {
            code: 'required',
            location: 'Bundle.entry[2].resource.code',
            message: 'Bundle.entry[2].resource.code needs a coding with system and code',
          },
        ],
      });
    });

    it('given a Patient entry with a bad NHS number, rejects both it and the entries that rely on it', () => {
      const bundle = admissionTransaction();
      const patient = entries(bundle)[0].resource as { identifier: { value: string }[] };
      patient.identifier[0].value = '9990000019';

      const result = planBundle(bundle, options);

      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.issues.map((issue) => [issue.code, issue.location])).toEqual([
        ['value', 'Bundle.entry[0].resource.identifier[0].value'],
        ['required', 'Bundle.entry[1].resource.subject.reference'],
        ['required', 'Bundle.entry[2].resource.subject.reference'],
      ]);
    });

    it('given a PUT whose url names another id, and a conditional create, rejects both', () => {
      const bundle = admissionTransaction();
      entries(bundle)[2].request = { method: 'PUT', url: 'Condition/other-id' };
      entries(bundle)[1].request = { method: 'POST', url: 'Encounter?identifier=SP2403100042' };

      const result = planBundle(bundle, options);

      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.issues).toEqual([
        {
          code: 'not-supported',
          location: 'Bundle.entry[1].request.url',
          message:
            'Bundle.entry[1].request.url: conditional requests (Encounter?identifier=SP2403100042) are not supported',
        },
        {
          code: 'value',
          location: 'Bundle.entry[2].resource.id',
          message: 'Bundle.entry[2].resource.id must equal the id in request.url (other-id)',
        },
      ]);
    });

    it('given the same record twice, rejects the second entry', () => {
      const bundle = admissionTransaction();
      bundle.entry = [...entries(bundle), entries(bundle)[2]];

      const result = planBundle(bundle, options);

      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.issues.map((issue) => issue.location)).toEqual(['Bundle.entry[3]']);
    });
  });

  describe('batch', () => {
    it('given a consultation, a dispense and a DELETE, plans each; the DELETE is left to the app', () => {
      const result = planBundle(pharmacyBatch(), { providerOdsCode: 'FQ123', careSetting: 'PHARMACY' });

      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(
        result.value.entries.map((entry) =>
          entry.kind === 'write' ? [entry.kind, entry.drafts.map((d) => d.type)] : entry,
        ),
      ).toEqual([
        ['write', ['EncounterStarted', 'EncounterEnded']],
        ['write', ['MedicationDispensed']],
        {
          kind: 'delete',
          index: 2,
          resourceType: 'MedicationDispense',
          id: '0b1c2d3e-4f50-4617-8a9b-c0d1e2f3a4b5',
        },
      ]);
    });

    it('given one bad entry, fails only that entry and maps the others', () => {
      const bundle = pharmacyBatch();
      const dispense = entries(bundle)[1].resource as MedicationDispense;
      dispense.subject = { identifier: { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '1234567890' } };

      const result = planBundle(bundle, options);

      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.entries.map((entry) => entry.kind)).toEqual(['write', 'rejected', 'delete']);
      expect(result.value.entries[1]).toEqual({
        kind: 'rejected',
        index: 1,
        issues: [
          {
            code: 'value',
            location: 'Bundle.entry[1].resource.subject.identifier.value',
            message:
              'Bundle.entry[1].resource.subject.identifier.value: the NHS number fails its modulus-11 check digit',
          },
        ],
      });
    });

    it('does not resolve references between batch entries, which FHIR batches may not have', () => {
      const bundle: Bundle = {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { ...entries(admissionTransaction())[0] },
          {
            resource: { ...gpCondition(), subject: { reference: TRANSACTION_PATIENT_FULL_URL } },
            request: { method: 'POST', url: 'Condition' },
          },
        ],
      };

      const result = planBundle(bundle, options);

      expect(result.ok && result.value.entries.map((entry) => entry.kind)).toEqual(['write', 'rejected']);
    });

    it('given an entry with GET, no url, or no resource, says what each lacks', () => {
      const bundle: Bundle = {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          { request: { method: 'GET', url: 'Condition/1' } },
          { resource: gpCondition(), request: { method: 'POST' } as BundleEntry['request'] },
          { request: { method: 'PUT', url: `Condition/${gpCondition().id}` } },
        ],
      };

      const result = planBundle(bundle, options);

      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(
        result.value.entries.flatMap((entry) =>
          entry.kind === 'rejected' ? entry.issues.map((issue) => [issue.code, issue.location]) : [],
        ),
      ).toEqual([
        ['not-supported', 'Bundle.entry[0].request.method'],
        ['required', 'Bundle.entry[1].request.url'],
        ['required', 'Bundle.entry[2].resource'],
      ]);
    });
  });

  it('given a Bundle of another type, says only transaction and batch are taken', () => {
    expect(planBundle({ resourceType: 'Bundle', type: 'collection', entry: [] }, options)).toEqual({
      ok: false,
      issues: [
        {
          code: 'not-supported',
          location: 'Bundle.type',
          message: 'Bundle.type must be transaction or batch, not collection',
        },
      ],
    });
  });

  it('given something that is not a Bundle, rejects it as structure', () => {
    expect(planBundle(gpCondition(), options)).toEqual({
      ok: false,
      issues: [{ code: 'structure', location: 'Bundle', message: 'expected a Bundle resource' }],
    });
  });

  it('counts entries for the size limit before mapping anything', () => {
    expect(bundleEntryCount(pharmacyBatch())).toBe(3);
    expect(bundleEntryCount({ resourceType: 'Bundle' })).toBe(0);
    expect(bundleEntryCount('nonsense')).toBe(0);
  });
});
