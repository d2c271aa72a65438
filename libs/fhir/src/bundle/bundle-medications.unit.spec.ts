import type { Bundle, BundleEntry, Medication } from '@medplum/fhirtypes';
import {
  BUNDLE_MEDICATION_FULL_URL,
  medicationBatch,
  metforminMedication,
  prescriptionWithMedicationTransaction,
} from '../fixtures';
import { bundleMedicationIndex, planBundleMedications } from './bundle-medications';
import { bundleWrites, planBundle, type BundlePlan } from './plan-bundle';

const options = { providerOdsCode: 'M85001' };
const metformin = { system: 'https://dmd.nhs.uk', code: '325278007', display: 'Metformin 500mg tablets' };

function entries(bundle: Bundle): BundleEntry[] {
  return bundle.entry ?? [];
}

/** Each write entry's products, in request order: what its events will carry. */
function productsOf(plan: BundlePlan): unknown[] {
  return plan.entries.map((entry) =>
    entry.kind === 'write'
      ? entry.drafts.map((d) => (d.body as { medication?: unknown }).medication)
      : entry.kind,
  );
}

describe('Medication entries of a Bundle', () => {
  describe('transaction', () => {
    it('given a Medication entry and a prescription naming it by fullUrl, plans the Medication to keep and the prescription with its product', () => {
      const result = planBundle(prescriptionWithMedicationTransaction(), options);

      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.medications).toEqual([
        {
          kind: 'medication',
          index: 0,
          method: 'PUT',
          resourceType: 'Medication',
          id: 'metformin-500mg-tablets',
          code: metformin,
          content: expect.stringContaining('"resourceType":"Medication"'),
          declaredVersion: null,
        },
      ]);
      expect(result.value.entries.map((e) => e.index)).toEqual([1]);
      expect(productsOf(result.value)).toEqual([[metformin]]);
    });

    it('given the prescription naming it as Medication/id, takes the entry over what the provider sent before', () => {
      const bundle = prescriptionWithMedicationTransaction();
      entries(bundle)[1].resource = {
        ...(entries(bundle)[1].resource as object),
        medicationReference: { reference: 'Medication/metformin-500mg-tablets' },
      } as BundleEntry['resource'];
      const earlierMedications = new Map([
        ['Medication/metformin-500mg-tablets', { system: 'https://dmd.nhs.uk', code: '1', display: 'older' }],
      ]);

      const result = planBundle(bundle, { ...options, earlierMedications });

      expect(result.ok && productsOf(result.value)).toEqual([[metformin]]);
    });

    it('given a Medication entry without a product code, refuses the Bundle at the entry and at the reference to it', () => {
      const bundle = prescriptionWithMedicationTransaction();
      (entries(bundle)[0].resource as Medication).code = { text: 'metformin' };

      const result = planBundle(bundle, options);

      expect(result.ok || result.issues.map((issue) => [issue.location, issue.message])).toEqual([
        ['Bundle.entry[0].resource.code', expect.any(String)],
        [
          'Bundle.entry[1].resource.medicationReference.reference',
          `Bundle.entry[1].resource.medicationReference.reference '${BUNDLE_MEDICATION_FULL_URL}' cannot be ` +
            'resolved: Bundle.entry[0], the Medication it names, was refused',
        ],
      ]);
    });

    it('given the same Medication twice, refuses the second as a change of the same record', () => {
      const bundle = prescriptionWithMedicationTransaction();
      bundle.entry = [...entries(bundle), { ...entries(bundle)[0], fullUrl: undefined }];

      const result = planBundle(bundle, options);

      expect(result.ok || result.issues.map((issue) => issue.message)).toEqual([
        'Bundle.entry[2] changes Medication/metformin-500mg-tablets again (first in Bundle.entry[0])',
      ]);
    });

    it('given a DELETE of a Medication, or a Medication whose id is not the url’s, refuses them', () => {
      const bundle = prescriptionWithMedicationTransaction();
      entries(bundle)[0].request = { method: 'PUT', url: 'Medication/other' };
      bundle.entry = [
        ...entries(bundle),
        { request: { method: 'DELETE', url: 'Medication/metformin-500mg-tablets' } },
      ];

      const result = planBundle(bundle, options);

      expect(result.ok || result.issues.map((issue) => [issue.code, issue.location])).toEqual([
        ['value', 'Bundle.entry[0].resource.id'],
        ['required', 'Bundle.entry[1].resource.medicationReference.reference'],
        ['not-supported', 'Bundle.entry[2].request.method'],
      ]);
    });
  });

  describe('batch', () => {
    it('given no outcomes from the app, resolves both dispenses to the Medication entry, by fullUrl and by Medication/id', () => {
      const result = planBundle(medicationBatch(), { providerOdsCode: 'FQ123', careSetting: 'PHARMACY' });

      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.medications.map((m) => [m.index, m.method, m.id])).toEqual([
        [0, 'POST', 'metformin-500mg-tablets'],
      ]);
      expect(productsOf(result.value)).toEqual([[metformin], [metformin]]);
    });

    it('given the app found the Medication entry could not be kept, refuses the entries naming it and no other', () => {
      const bundle = medicationBatch();
      bundle.entry = [
        ...entries(bundle),
        {
          resource: { ...(entries(bundle)[2].resource as object), id: 'by-code' },
          request: { method: 'PUT', url: 'MedicationDispense/by-code' },
        } as BundleEntry,
      ];
      (entries(bundle)[3].resource as { medicationReference?: unknown }).medicationReference = undefined;
      (entries(bundle)[3].resource as { medicationCodeableConcept?: unknown }).medicationCodeableConcept = {
        coding: [metformin],
      };
      const medicationsInBundle = bundleMedicationIndex(
        bundle,
        new Map([[0, { unusable: 'Bundle.entry[0] was not kept (412)' }]]),
      );

      const result = planBundle(bundle, {
        providerOdsCode: 'FQ123',
        careSetting: 'PHARMACY',
        medicationsInBundle,
      });

      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(
        result.value.entries.map((e) => (e.kind === 'rejected' ? e.issues.map((i) => i.message) : e.kind)),
      ).toEqual([
        [
          `Bundle.entry[1].resource.medicationReference.reference '${BUNDLE_MEDICATION_FULL_URL}' cannot be ` +
            'resolved: Bundle.entry[0] was not kept (412)',
        ],
        [
          "Bundle.entry[2].resource.medicationReference.reference 'Medication/metformin-500mg-tablets' cannot be " +
            'resolved: Bundle.entry[0] was not kept (412)',
        ],
        'write',
      ]);
    });

    it('given a Medication entry without a code, plans it as that entry’s refusal and keeps nothing', () => {
      const bundle = medicationBatch();
      (entries(bundle)[0].resource as Medication).code = undefined;

      expect(planBundleMedications(bundle)).toEqual([
        {
          kind: 'rejected',
          index: 0,
          issues: [expect.objectContaining({ code: 'required', location: 'Bundle.entry[0].resource.code' })],
        },
      ]);
      const result = planBundle(bundle, { providerOdsCode: 'FQ123' });
      expect(result.ok && result.value.entries.map((e) => [e.index, e.kind])).toEqual([
        [0, 'rejected'],
        [1, 'rejected'],
        [2, 'rejected'],
      ]);
      expect(result.ok && result.value.medications).toEqual([]);
    });
  });

  describe('a body refused whole', () => {
    it('given a batch that is not a Bundle, or a Bundle of another type, plans no Medication to keep', () => {
      const notABundle = { ...medicationBatch(), resourceType: 'key' };
      const history = { ...medicationBatch(), type: 'history' };

      expect(planBundleMedications(medicationBatch())).toHaveLength(1);
      expect(planBundleMedications(notABundle)).toEqual([]);
      expect(planBundleMedications(history)).toEqual([]);
      expect(planBundle(notABundle, options).ok).toBe(false);
      expect(planBundle(history, options).ok).toBe(false);
    });
  });

  describe('versioning the other entries', () => {
    it('leaves the Medication to its own store, and reads a batch entry naming it by fullUrl as naming Medication/id', () => {
      const byFullUrl = bundleWrites(medicationBatch());
      const bundle = medicationBatch();
      (entries(bundle)[1].resource as { medicationReference: { reference: string } }).medicationReference = {
        reference: `Medication/${metforminMedication().id}`,
      };
      const byId = bundleWrites(bundle);

      expect(byFullUrl.writes.map((w) => [w.index, w.recordId])).toEqual([
        [1, 'MedicationDispense/2a6d9f0c-8e3b-4c1a-9f7d-5b2e8c0a4d16'],
        [2, 'MedicationDispense/5e1a7c3d-9b2f-4d6e-8a0c-3f7b1d5e9a24'],
      ]);
      expect(byFullUrl.writes[0].content).toBe(byId.writes[0].content);
      expect(byFullUrl.medicationRecords).toEqual(['Medication/metformin-500mg-tablets']);
    });
  });
});
