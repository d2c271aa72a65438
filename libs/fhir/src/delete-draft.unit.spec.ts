import { fhirDeleteDraft } from './delete-draft';

describe('fhirDeleteDraft', () => {
  it('given a DELETE of a shared condition, yields RecordRemoved deleted at source with operation DELETE', () => {
    expect(fhirDeleteDraft('Condition', 'c1', '9990000018', 5, 1_709_000_000_000)).toEqual({
      type: 'RecordRemoved',
      source: {
        nhsNumber: '9990000018',
        sourceRecordId: 'Condition/c1',
        sourceRecordVersion: 5,
        operation: 'DELETE',
        occurredAt: 1_709_000_000_000,
      },
      body: {
        removedEventType: 'ProblemRecorded',
        removedSourceRecordId: 'Condition/c1',
        reason: 'DELETED_AT_SOURCE',
        replacedBySourceRecordId: null,
      },
    });
  });

  it('given the event type the app shared, removes that one (an advance care plan is not a plain care plan)', () => {
    const draft = fhirDeleteDraft('CarePlan', 'p1', '9990000042', 3, 0, 'EndOfLifePreferencesRecorded');

    expect(draft.body.removedEventType).toBe('EndOfLifePreferencesRecorded');
  });
});
