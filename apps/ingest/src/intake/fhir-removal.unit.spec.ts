import { fhirRemoval } from './fhir-removal';

const AT = 1_709_000_000_000;

describe('fhirRemoval', () => {
  it('given a record shared at version 3, removes it at version 4 for the patient the ledger recorded', () => {
    const draft = fhirRemoval(
      'Condition',
      'c1',
      { nhsNumber: '9990000018', version: 3, eventTypes: ['ProblemRecorded'] },
      AT,
    );

    expect(draft.source).toEqual({
      nhsNumber: '9990000018',
      sourceRecordId: 'Condition/c1',
      sourceRecordVersion: 4,
      operation: 'DELETE',
      occurredAt: AT,
    });
    expect(draft.body.removedEventType).toBe('ProblemRecorded');
  });

  it('given a record already removed, repeats that removal at the same version, so nothing new is published', () => {
    const draft = fhirRemoval(
      'Condition',
      'c1',
      { nhsNumber: '9990000018', version: 4, eventTypes: ['RecordRemoved'] },
      AT,
    );

    expect(draft.source.sourceRecordVersion).toBe(4);
    expect(draft.body.removedEventType).toBe('ProblemRecorded');
  });

  it('given a record shared as another type than its usual one, withdraws the type that was shared', () => {
    const draft = fhirRemoval(
      'CarePlan',
      'p1',
      { nhsNumber: '9990000042', version: 2, eventTypes: ['EndOfLifePreferencesRecorded'] },
      AT,
    );

    expect(draft.body.removedEventType).toBe('EndOfLifePreferencesRecorded');
    expect(draft.source.sourceRecordVersion).toBe(3);
  });

  it('given a version that was several events, one of them the usual type, withdraws the usual type', () => {
    const draft = fhirRemoval(
      'Encounter',
      'e1',
      { nhsNumber: '9990000018', version: 1, eventTypes: ['EncounterEnded', 'EncounterStarted'] },
      AT,
    );

    expect(draft.body.removedEventType).toBe('EncounterStarted');
  });
});
