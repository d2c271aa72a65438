import type { MedicationEntryPlan } from '@crosscare/fhir';
import { inRequestOrder, keptEntryOutcome, medicationToKeep } from './bundle-medications';
import type { BundleEntryOutcome } from './fhir-intake';

const answer = (status: number): BundleEntryOutcome => ({ response: { status }, events: [] });

const plan: MedicationEntryPlan = {
  kind: 'medication',
  index: 2,
  method: 'POST',
  resourceType: 'Medication',
  id: 'm1',
  code: { system: 'https://dmd.nhs.uk', code: '325278007', display: 'Metformin 500mg tablets' },
  content: '{"id":"m1","resourceType":"Medication"}',
  declaredVersion: null,
  ifMatch: 'W/"1"',
};

describe('a Bundle with Medication entries', () => {
  it('given the other entries’ answers and the Medications’, answers them in request order', () => {
    const others = [{ index: 0 }, { index: 3 }];

    const ordered = inRequestOrder(
      others,
      [answer(200), answer(404)],
      new Map([
        [1, answer(201)],
        [2, answer(412)],
      ]),
    );

    expect(ordered.map((a) => a.response.status)).toEqual([200, 201, 412, 404]);
  });

  it('given no Medication entries, answers the others as they are', () => {
    expect(inRequestOrder([{ index: 0 }], [answer(200)]).map((a) => a.response.status)).toEqual([200]);
  });

  it('locates a Medication entry’s conflicts and If-Match at its entry', () => {
    expect(medicationToKeep(plan)).toMatchObject({
      id: 'm1',
      location: 'Bundle.entry[2]',
      ifMatch: 'W/"1"',
      ifMatchLocation: 'Bundle.entry[2].request.ifMatch',
    });
  });

  it('answers a POST kept as 201 and its version, saying nothing was published', () => {
    const outcome = keptEntryOutcome(plan, { sourceRecordId: 'Medication/m1', version: 1, outcome: 'kept' });

    expect(outcome.response).toEqual({
      status: 201,
      location: { resourceType: 'Medication', id: 'm1', version: 1 },
    });
    expect(outcome.events).toEqual([]);
    expect(outcome.information).toContain('nothing is published');
  });
});
