import { isValidNhsNumber } from '@crosscare/governance';
import { fuzzRuns, mutateJson } from '@crosscare/testing';
import fc from 'fast-check';
import { planBundle } from './bundle/plan-bundle';
import {
  acuteAdmission,
  admissionTransaction,
  careHomeWeight,
  gpAllergy,
  gpCondition,
  gpFluVaccination,
  gpPatient,
  gpReferral,
  gpRepeatPrescription,
  gpType1Objection,
  hospiceAdvanceCarePlan,
  medicationBatch,
  metforminMedication,
  pharmacyBatch,
  pharmacyDispense,
  prescriptionWithMedicationTransaction,
} from './fixtures';
import { mapFhirResource, mapMedicationProduct } from './map-fhir-resource';

const VALID = [
  gpPatient(),
  gpCondition(),
  gpAllergy(),
  gpRepeatPrescription(),
  gpReferral(),
  gpFluVaccination(),
  gpType1Objection(),
  acuteAdmission(),
  careHomeWeight(),
  hospiceAdvanceCarePlan(),
  pharmacyDispense(),
];
const ISSUE_CODES =
  /^(structure|required|value|code-invalid|not-supported|too-costly|not-found|forbidden|conflict)$/;

/** A mapping outcome is either drafts for valid NHS numbers or located issues; anything else breaks the contract. */
function expectWellFormed(result: ReturnType<typeof mapFhirResource>): void {
  if (result.ok) {
    for (const draft of result.value)
      if ('source' in draft) expect(isValidNhsNumber(draft.source.nhsNumber)).toBe(true);
    return;
  }
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(issue.code).toMatch(ISSUE_CODES);
    expect(typeof issue.location).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

const options = { operation: 'create' as const, providerOdsCode: 'RRK' };
const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Parameters<typeof mutateJson>[2]>;
const mutation = fc.record({ pick: fc.nat(), replacement: fc.option(json, { nil: undefined }) });

describe('FHIR mapping under arbitrary input', () => {
  it('given arbitrary JSON, never throws and answers drafts or located issues', () => {
    fc.assert(
      fc.property(json, (value) => expectWellFormed(mapFhirResource(value, options))),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('given a valid resource changed in one place, never throws and answers drafts or located issues', () => {
    fc.assert(
      fc.property(fc.constantFrom(...VALID), mutation, (resource, { pick, replacement }) =>
        expectWellFormed(mapFhirResource(mutateJson(resource, pick, replacement), options)),
      ),
      { numRuns: fuzzRuns(1000) },
    );
  });

  it('given a transaction or batch Bundle changed in one place, never throws when planned', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          admissionTransaction(),
          pharmacyBatch(),
          prescriptionWithMedicationTransaction(),
          medicationBatch(),
        ),
        mutation,
        (bundle, { pick, replacement }) => {
          const result = planBundle(mutateJson(bundle, pick, replacement), { providerOdsCode: 'RRK' });
          if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: fuzzRuns(500) },
    );
  });
});

describe('empty elements', () => {
  it('given "", [] or {} where a value of another type belongs, reads them as absent, as the R4 validator does', () => {
    const condition = { ...gpCondition(), code: '', note: {}, category: [] } as unknown;

    const result = mapFhirResource(condition, options);

    expect(result.ok ? [] : result.issues.map((issue) => issue.location)).toEqual(['Condition.code']);
  });
});

describe('empty elements of a Medication', () => {
  it("given {} where the product code's codings belong, refuses the code as missing rather than throwing", () => {
    const medication = { ...metforminMedication(), code: { coding: {} } } as unknown;

    const result = mapMedicationProduct(medication);

    expect(result.ok ? [] : result.issues.map((issue) => issue.location)).toEqual(['Medication.code']);
  });

  it('given a valid Medication changed in one place, never throws and answers a product or located issues', () => {
    fc.assert(
      fc.property(mutation, ({ pick, replacement }) => {
        const result = mapMedicationProduct(mutateJson(metforminMedication(), pick, replacement));
        if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: fuzzRuns(500) },
    );
  });
});

describe('members named like those every object has', () => {
  it('given "valueOf" or "constructor" as a member, refuses it as an unknown element rather than throwing', () => {
    const patient = {
      ...gpPatient(),
      address: [{ postalCode: { valueOf: false } }],
      constructor: 1,
    } as unknown;

    const result = mapFhirResource(patient, options);

    expect(result.ok ? [] : result.issues.map((issue) => issue.location)).toEqual([
      'Patient.address[0].postalCode.valueOf',
      'Patient.constructor',
    ]);
  });
});
