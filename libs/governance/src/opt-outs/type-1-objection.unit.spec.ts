import { recordChangeEventId } from '@crosscare/events';
import {
  completeOptOut,
  isOptOutDraft,
  TYPE_1_DISSENT,
  TYPE_1_DISSENT_WITHDRAWN,
  type OptOutDraft,
} from './type-1-objection';

const draft: OptOutDraft = {
  type: 'OptOutChanged',
  source: {
    nhsNumber: '9990000018',
    sourceRecordId: 'Consent/6a1f',
    sourceRecordVersion: 2,
    operation: 'UPDATE',
    occurredAt: Date.UTC(2025, 2, 1),
  },
  body: { kind: 'TYPE_1', status: 'ACTIVE', statedOn: 20_148 },
};

describe('type 1 objections', () => {
  it('name the two SNOMED CT concepts a practice records', () => {
    expect([TYPE_1_DISSENT.code, TYPE_1_DISSENT_WITHDRAWN.code]).toEqual([
      '827241000000103',
      '827261000000102',
    ]);
  });

  it('become an OptOutChanged as the practice that sent them, with a change id derived from the record version', () => {
    const change = completeOptOut(draft, {
      providerOdsCode: 'M85001',
      correlationId: 'corr-1',
      recordedAt: 1_700_000_000_000,
    });

    expect(change).toEqual({
      changeId: recordChangeEventId('M85001', 'Consent/6a1f', 2, 'OptOutChanged'),
      nhsNumber: '9990000018',
      kind: 'TYPE_1',
      status: 'ACTIVE',
      statedOn: 20_148,
      source: 'M85001',
      sourceReference: 'Consent/6a1f/_history/2',
      recordedAt: 1_700_000_000_000,
      correlationId: 'corr-1',
    });
    expect(change.changeId).not.toBe(
      recordChangeEventId('M85001', 'Consent/6a1f', 2, 'SharingObjectionRecorded'),
    );
    expect(isOptOutDraft(draft)).toBe(true);
  });
});
