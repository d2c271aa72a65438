import { at, draftsOf, issuesOf } from '../expect-mapping.spec';
import { acuteProcedure } from '../fixtures';

describe('Procedure', () => {
  it('given a completed operation with its period, yields ProcedureRecorded', () => {
    expect(draftsOf(acuteProcedure(), { providerOdsCode: 'RRK' })).toEqual([
      {
        type: 'ProcedureRecorded',
        source: {
          nhsNumber: '9990000026',
          sourceRecordId: 'Procedure/e5a1c9d3-2b7f-4e60-9a48-0d6c3f1b8e27',
          sourceRecordVersion: 1,
          operation: 'CREATE',
          occurredAt: at('2024-03-12T13:05:00Z'),
        },
        body: {
          code: {
            system: 'http://snomed.info/sct',
            code: '45595009',
            display: 'Laparoscopic cholecystectomy',
          },
          status: 'COMPLETED',
          performedAt: at('2024-03-12T13:05:00Z'),
          performedEndAt: at('2024-03-12T14:20:00Z'),
          bodySite: { system: 'http://snomed.info/sct', code: '28231008', display: 'Gallbladder structure' },
          reason: { system: 'http://snomed.info/sct', code: '235919008', display: 'Gallstones' },
          outcome: null,
          performerOdsCode: null,
        },
      },
    ]);
  });

  it('given a procedure not done, without a time, dates it by lastUpdated', () => {
    const procedure = { ...acuteProcedure(), status: 'not-done' as const };
    delete procedure.performedPeriod;

    const [draft] = draftsOf(procedure);

    expect(draft.source.occurredAt).toBe(at('2024-03-12T16:10:00Z'));
    expect(draft.body).toMatchObject({ status: 'NOT_DONE', performedAt: null, performedEndAt: null });
  });

  it('given entered-in-error, removes the procedure', () => {
    const [removal] = draftsOf({ ...acuteProcedure(), status: 'entered-in-error' });

    expect(removal).toMatchObject({ type: 'RecordRemoved', body: { removedEventType: 'ProcedureRecorded' } });
  });

  it('given no code, refuses', () => {
    expect(issuesOf({ ...acuteProcedure(), code: { text: 'gallbladder op' } })).toEqual([
      expect.objectContaining({ code: 'required', location: 'Procedure.code' }),
    ]);
  });
});
