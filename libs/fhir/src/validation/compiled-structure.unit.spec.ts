import { fuzzRuns, mutateJson } from '@crosscare/testing';
import { evalFhirPathTyped, OperationOutcomeError, toTypedValue, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import * as fixtures from '../fixtures';
import { ukCoreExample, ukCoreExamplesDir } from '../fixtures';
import { DECIDED_INVARIANTS, provenValid } from './compiled-structure';
import { ensureR4DefinitionsLoaded, validateStructure } from './structural-validation';

/**
 * The compiled checks may only ever say "valid" where the R4 validator finds no error: they are held to the
 * validator's own answer on every fixture, every published UK Core example, and mutants of them.
 */
function validatorErrors(resource: unknown): string[] {
  try {
    return validateResource(resource as Resource)
      .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
      .map((issue) => `${issue.expression?.[0]}: ${issue.details?.text}`);
  } catch (error) {
    if (!(error instanceof OperationOutcomeError)) return [`threw ${String(error)}`];
    return (error.outcome.issue ?? [])
      .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
      .map((issue) => `${issue.expression?.[0]}: ${issue.details?.text}`);
  }
}

/** Every fixture resource: the fixtures' own, and each resource of the fixture Bundles. */
function fixtureResources(): [string, Resource][] {
  const found: [string, Resource][] = [];
  for (const [name, make] of Object.entries(fixtures)) {
    if (typeof make !== 'function' || make.length > 0 || name.startsWith('ukCore')) continue;
    let value: unknown;
    try {
      value = (make as () => unknown)();
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null || !('resourceType' in value)) continue;
    const resource = value as Resource;
    if (resource.resourceType === 'Bundle')
      (resource.entry ?? []).forEach((entry, i) => {
        if (entry.resource) found.push([`${name}.entry[${i}]`, entry.resource]);
      });
    else found.push([name, resource]);
  }
  return found;
}

function publishedExamples(): [string, Resource][] {
  return readdirSync(ukCoreExamplesDir())
    .filter((file) => file.endsWith('.xml'))
    .map((file) => {
      const name = file.replace(/\.xml$/, '');
      const resource = ukCoreExample<Resource>(name, name.split('-')[1] as Resource['resourceType']);
      return [name, resource];
    });
}

beforeAll(() => ensureR4DefinitionsLoaded());

describe('compiled R4 structure checks', () => {
  const resources = fixtureResources();

  it('prove every fixture valid, as the R4 validator finds it', () => {
    expect(resources.length).toBeGreaterThan(30);
    for (const [name, resource] of resources) {
      expect({ name, errors: validatorErrors(resource) }).toEqual({ name, errors: [] });
      expect({ name, proven: provenValid(resource) }).toEqual({ name, proven: true });
    }
  });

  it('prove no published UK Core example valid that the R4 validator refuses, and most of them valid', () => {
    const examples = publishedExamples();
    expect(examples.length).toBeGreaterThan(20);
    let proven = 0;
    for (const [name, resource] of examples) {
      if (!provenValid(resource)) continue;
      proven++;
      expect({ name, errors: validatorErrors(resource) }).toEqual({ name, errors: [] });
    }
    // The published examples carry narrative and primitive extensions the fast path leaves to the validator.
    expect(proven).toBeGreaterThan(0);
  });

  it('never prove a mutant valid that the R4 validator refuses', () => {
    const tricky = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        'a  b',
        '2024-02-30',
        '2024-13-01',
        '2024-03-03T25:00:00Z',
        '2024-03-03T08:10:00',
        'urn:uuid:not-a-uuid',
        'has space',
        '\u0001',
        'Patient/x',
        'final',
        '#contained',
        'http://snomed.info/sct',
      ),
      fc.constantFrom(0, -1, 1.5, 2 ** 40, true, false, null),
      fc.constantFrom({}, [], [{}], [null], { extension: [] }, { url: 'http://e', valueString: 'x' }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const mutation = fc.record({
      base: fc.nat(resources.length - 1),
      edits: fc.array(fc.record({ pick: fc.nat(), replacement: fc.option(tricky, { nil: undefined }) }), {
        minLength: 1,
        maxLength: 3,
      }),
    });
    let provenMutants = 0;
    fc.assert(
      fc.property(mutation, ({ base, edits }) => {
        let mutant: unknown = resources[base][1];
        for (const edit of edits)
          mutant = mutateJson(mutant, edit.pick, edit.replacement as Parameters<typeof mutateJson>[2]);
        if (typeof mutant !== 'object' || mutant === null || !('resourceType' in mutant)) return;
        if (typeof mutant.resourceType !== 'string') return;
        if (!provenValid(mutant as Resource)) return;
        provenMutants++;
        expect(validatorErrors(mutant)).toEqual([]);
      }),
      { numRuns: fuzzRuns(3000) },
    );
    // Deleting optional members keeps many mutants valid: the property above is not vacuous.
    expect(provenMutants).toBeGreaterThan(50);
  });

  it('answer exactly as the validator when not proven: validateStructure reports its issues', () => {
    const weight = fixtures.careHomeWeight('9990000018') as unknown as Record<string, unknown>;
    const broken = { ...weight, status: 'two  spaces', unknownMember: 1 } as unknown as Resource;
    expect(provenValid(broken)).toBe(false);
    const issues = validateStructure(broken, 'Observation');
    expect(issues.map((i) => i.location)).toEqual(
      expect.arrayContaining(['Observation.status', 'Observation.unknownMember']),
    );
  });
});

describe('invariants decided in plain code', () => {
  const members = [
    'extension',
    'valueString',
    'valueQuantity',
    'url',
    'dataAbsentReason',
    'component',
    'contained',
  ];
  const samples: Record<string, unknown> = {
    extension: [{ url: 'http://e', valueString: 'x' }],
    valueString: 'x',
    valueQuantity: { value: 1 },
    url: 'http://e',
    dataAbsentReason: { text: 'unknown' },
    component: [{ code: { text: 'c' }, valueString: 'x' }],
    contained: [{ resourceType: 'Condition', id: 'c', meta: { versionId: '1' } }],
  };

  it.each(Object.keys(DECIDED_INVARIANTS))(
    '%s agrees with the FHIRPath engine wherever it decides',
    (key) => {
      const [type, expression] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)];
      const contextType = type === '*' ? 'Observation' : type;
      let decidedCount = 0;
      fc.assert(
        fc.property(fc.subarray(members), (present) => {
          const value = Object.fromEntries(present.map((m) => [m, samples[m]]));
          if (contextType === 'Observation') Object.assign(value, { resourceType: 'Observation' });
          const decided = DECIDED_INVARIANTS[key](value);
          if (decided === undefined) return;
          decidedCount++;
          const typed = { type: contextType, value };
          const result = evalFhirPathTyped(expression, [typed], {
            '%context': typed,
            '%resource': toTypedValue(value),
            '%rootResource': toTypedValue(value),
          });
          expect(decided).toBe(result.length === 1 && result[0].value === true);
        }),
        { numRuns: 200 },
      );
      expect(decidedCount).toBeGreaterThan(0);
    },
  );
});
