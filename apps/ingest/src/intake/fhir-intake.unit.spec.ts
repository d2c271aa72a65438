import { fhirDeleteDraft } from '@crosscare/fhir';
import { groupByUnit, responseOf, type ResolvedEntry } from './fhir-intake';
import type { PublishedEvent } from './record-change-intake';

const removal = (id: string, version: number) => fhirDeleteDraft('Condition', id, '9990000018', version, 0);

const entry = (method: ResolvedEntry['method'], id: string, versions: number[]): ResolvedEntry => ({
  location: `Condition/${id}`,
  method,
  resourceType: 'Condition',
  id,
  drafts: versions.map((v) => removal(id, v)),
});

const event = (eventId: string): PublishedEvent => ({
  eventId,
  eventType: 'RecordRemoved',
  sourceRecordId: 'Condition/c1',
  sourceRecordVersion: 1,
  topic: 'crosscare.qhl.record-changes.v1',
  outcome: 'accepted',
});

describe('a resolved FHIR entry in its response', () => {
  it('given a POST, is 201 naming the version its drafts carry', () => {
    expect(responseOf(entry('POST', 'c1', [2]))).toEqual({
      status: 201,
      location: { resourceType: 'Condition', id: 'c1', version: 2 },
    });
  });

  it('given a PUT or a DELETE, is 200', () => {
    expect(responseOf(entry('PUT', 'c1', [3])).status).toBe(200);
    expect(responseOf(entry('DELETE', 'c1', [4])).status).toBe(200);
  });
});

describe('the events of a transaction, entry by entry', () => {
  it('given units of one, two and one drafts, hands each unit its own events in order', () => {
    const units = [entry('PUT', 'a', [1]), entry('PUT', 'b', [1, 1]), entry('PUT', 'c', [1])];
    const events = ['e1', 'e2', 'e3', 'e4'].map(event);

    expect(groupByUnit(units, events).map((es) => es.map((e) => e.eventId))).toEqual([
      ['e1'],
      ['e2', 'e3'],
      ['e4'],
    ]);
  });
});
