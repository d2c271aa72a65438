import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { bundleWrites, planBundle } from './bundle/plan-bundle';
import { admissionTransaction, gpCondition, TRANSACTION_PATIENT_FULL_URL } from './fixtures';
import { declaredVersion } from './mapping/record-source';
import { canonicalContent, patientRecordsReferenced } from './versioning';

describe('versioning a resource sent without a version', () => {
  describe('canonicalContent', () => {
    it('is the same whatever the order of keys and whatever meta says', () => {
      const condition = gpCondition();
      const reordered = Object.fromEntries(Object.entries(condition).reverse());

      expect(canonicalContent({ ...reordered, meta: { versionId: '9' } })).toBe(canonicalContent(condition));
      expect(canonicalContent(condition)).not.toContain('meta');
    });

    it('differs when anything but meta differs', () => {
      expect(canonicalContent({ ...gpCondition(), note: [{ text: 'seen' }] })).not.toBe(
        canonicalContent(gpCondition()),
      );
    });

    it('writes a reference to a Bundle entry as the record it names, so fresh urn:uuids change nothing', () => {
      const withSubject = (reference: string) => ({ ...gpCondition(), subject: { reference } });

      expect(canonicalContent(withSubject('urn:uuid:1'), new Map([['urn:uuid:1', 'Patient/p']]))).toBe(
        canonicalContent(withSubject('urn:uuid:2'), new Map([['urn:uuid:2', 'Patient/p']])),
      );
      expect(canonicalContent(withSubject('urn:uuid:1'), new Map([['urn:uuid:1', 'Patient/p']]))).toBe(
        canonicalContent(withSubject('Patient/p')),
      );
    });
  });

  describe('declaredVersion', () => {
    it('is an integer versionId, else lastUpdated in millis, else null (Crosscare assigns it)', () => {
      expect(declaredVersion({ meta: { versionId: '12' } })).toBe(12);
      expect(declaredVersion({ meta: { versionId: 'W3', lastUpdated: '2024-01-09T11:02:00Z' } })).toBe(
        Date.parse('2024-01-09T11:02:00Z'),
      );
      expect(declaredVersion({ meta: { versionId: 'W3' } })).toBeNull();
      expect(declaredVersion({})).toBeNull();
      expect(declaredVersion('nonsense')).toBeNull();
    });
  });

  it('collects the Patient records a resource refers to by literal reference, anywhere in it', () => {
    const resource = {
      resourceType: 'Patient',
      link: [{ other: { reference: 'Patient/old' }, type: 'replaced-by' }],
      generalPractitioner: [{ reference: 'Organization/x' }],
      contained: [{ resourceType: 'Condition', subject: { reference: 'Patient/a/_history/2' } }],
    };

    expect(patientRecordsReferenced(resource).sort()).toEqual(['Patient/a', 'Patient/old']);
  });

  describe('bundleWrites', () => {
    it("lists a transaction's write entries with their records, content and If-Match, and the Patients referred to", () => {
      const bundle = admissionTransaction();
      const entries = bundle.entry as BundleEntry[];
      entries[2].request = { ...entries[2].request!, ifMatch: 'W/"1"' };
      entries[2].resource = { ...gpCondition(), subject: { reference: 'Patient/elsewhere' } };

      const { writes, patientRecords } = bundleWrites(bundle);

      expect(writes.map((w) => [w.index, w.recordId, w.ifMatch])).toEqual([
        [0, `Patient/${entries[0].resource!.id}`, undefined],
        [1, `Encounter/${entries[1].resource!.id}`, undefined],
        [2, `Condition/${gpCondition().id}`, 'W/"1"'],
      ]);
      expect(writes[1].content).toContain(`"reference":"Patient/${entries[0].resource!.id}"`);
      expect(writes[1].content).not.toContain(TRANSACTION_PATIENT_FULL_URL);
      expect(patientRecords).toEqual(['Patient/elsewhere']);
    });

    it('gives nothing for what is not a Bundle', () => {
      expect(bundleWrites(gpCondition())).toEqual({ writes: [], patientRecords: [], medicationRecords: [] });
    });
  });

  describe('planBundle with versions and If-Match', () => {
    it("takes each unversioned entry's assigned version, and carries request.ifMatch to the plan", () => {
      const bundle = admissionTransaction();
      const entries = bundle.entry as BundleEntry[];
      delete entries[1].resource!.meta;
      entries[2].request = { ...entries[2].request!, ifMatch: 'W/"1"' };
      const encounter = `Encounter/${entries[1].resource!.id}`;

      const result = planBundle(bundle, {
        providerOdsCode: 'RRK',
        assignedVersions: new Map([[encounter, 5]]),
      });

      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(
        result.value.entries.map((e) =>
          e.kind === 'write' ? [e.drafts[0].source.sourceRecordVersion, e.ifMatch] : e.kind,
        ),
      ).toEqual([
        [12, undefined],
        [5, undefined],
        [2, 'W/"1"'],
      ]);
    });

    it('refuses If-Match on a POST entry, which creates a record that has no version yet', () => {
      const bundle: Bundle = {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [{ resource: gpCondition(), request: { method: 'POST', url: 'Condition', ifMatch: 'W/"1"' } }],
      };

      const result = planBundle(bundle, { providerOdsCode: 'RRK' });

      expect(result.ok && result.value.entries[0]).toEqual({
        kind: 'rejected',
        index: 0,
        issues: [
          {
            code: 'not-supported',
            location: 'Bundle.entry[0].request.ifMatch',
            message:
              'Bundle.entry[0].request.ifMatch is for PUT and DELETE: a POST creates a record, which has no version yet',
          },
        ],
      });
    });
  });
});
