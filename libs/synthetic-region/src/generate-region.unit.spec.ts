import {
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type AnyRecordChangeDraft,
  type EventType,
  type RecordChangeEvent,
} from '@crosscare/events';
import {
  ICS_CODES,
  isValidNhsNumber,
  loadProviderDirectory,
  PROVIDER_TYPES,
  recordKindOf,
} from '@crosscare/governance';
import { Type, type Schema } from 'avsc';
import { generateRegion } from './generate-region';
import { PatientTimeline } from './stream/patient-timeline';
import { regionSummary } from './region-summary';

const directory = loadProviderDirectory();
const region = (seed: number, patients: number) => [...generateRegion({ seed, patients, directory })];
const byStream = <K>(events: readonly RecordChangeEvent[], key: (e: RecordChangeEvent) => K) => {
  const groups = new Map<K, RecordChangeEvent[]>();
  for (const event of events) {
    const group = groups.get(key(event));
    if (group === undefined) groups.set(key(event), [event]);
    else group.push(event);
  }
  return groups;
};
const recordOf = (e: RecordChangeEvent) => `${e.header.providerOdsCode}|${e.header.sourceRecordId}`;

describe('generateRegion', () => {
  // One region of a few hundred patients for the checks that look at everything in it.
  let events: RecordChangeEvent[];
  beforeAll(() => {
    events = region(42, 300);
  });

  describe('is deterministic', () => {
    it('gives byte-identical events for the same options, and other events for another seed', () => {
      const first = JSON.stringify(region(7, 40));
      expect(JSON.stringify(region(7, 40))).toBe(first);
      expect(JSON.stringify(region(8, 40))).not.toBe(first);
    });

    it("tells a patient's history the same whatever else the region holds, event ids included", () => {
      const withoutCorrelation = (list: RecordChangeEvent[], nhsNumber: string) =>
        list
          .filter((e) => e.header.nhsNumber === nhsNumber)
          .map((e) => JSON.stringify({ ...e, header: { ...e.header, correlationId: '' } }));
      const small = region(11, 10);
      const large = region(11, 30);
      const nhsNumber = small[small.length - 1].header.nhsNumber;
      expect(withoutCorrelation(large, nhsNumber)).toEqual(withoutCorrelation(small, nhsNumber));
    });
  });

  describe('writes every event as the schemas and the directory allow', () => {
    it('encodes every event with avsc against its schema', () => {
      const types = new Map(EVENT_TYPES.map((t) => [t, Type.forSchema(EVENT_SCHEMAS[t] as Schema)]));
      const invalid: string[] = [];
      for (const event of events) {
        types.get(event.header.eventType as EventType)!.isValid(event, {
          errorHook: (path) => invalid.push(`${event.header.eventType}.${path.join('.')}`),
        });
      }
      expect(invalid).toEqual([]);
    });

    it('gives every event a unique version 5 id and a valid 999-range NHS number', () => {
      const uuidV5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      expect(new Set(events.map((e) => e.header.eventId)).size).toBe(events.length);
      expect(events.filter((e) => !uuidV5.test(e.header.eventId))).toEqual([]);
      expect(
        events.filter((e) => !isValidNhsNumber(e.header.nhsNumber) || !e.header.nhsNumber.startsWith('999')),
      ).toEqual([]);
    });

    it('names an active provider in the ICS and collaborative the header claims, allowed to publish the record', () => {
      const wrong: string[] = [];
      for (const event of events) {
        const { header } = event;
        const provider = directory.provider(header.providerOdsCode);
        if (provider?.status !== 'ACTIVE') wrong.push(`${header.providerOdsCode} is not an active provider`);
        else if (provider.ics !== header.ics || provider.collaborative !== header.collaborative)
          wrong.push(`${header.providerOdsCode} is not in ${header.ics}/${header.collaborative}`);
        else {
          const kind = recordKindOf({
            type: header.eventType,
            body: event,
          } as unknown as AnyRecordChangeDraft);
          if (!directory.policy.mayPublish(provider.type, kind))
            wrong.push(`${provider.type} may not publish ${kind}`);
        }
      }
      expect([...new Set(wrong)]).toEqual([]);
    });
  });

  describe('covers the region', () => {
    it('has every provider type, every ICS and every event type in a region of 300 patients', () => {
      const providers = events.map((e) => directory.provider(e.header.providerOdsCode)!);
      expect(new Set(providers.map((p) => p.type))).toEqual(new Set(PROVIDER_TYPES));
      expect(new Set(events.map((e) => e.header.ics))).toEqual(new Set(ICS_CODES));
      expect(new Set(events.map((e) => e.header.eventType))).toEqual(new Set(EVENT_TYPES));
    });

    it('has patients with records in both collaboratives, some of them treated by an acute trust across the border', () => {
      const patients = byStream(events, (e) => e.header.nhsNumber);
      const both = [...patients.values()].filter(
        (list) => new Set(list.map((e) => e.header.collaborative)).size === 2,
      );
      const acrossTheBorder = both.filter((list) => {
        const gp = list.find((e) => e.header.eventType === 'PatientRegistered')!.header;
        return list.some(
          (e) =>
            directory.provider(e.header.providerOdsCode)!.type === 'ACUTE_TRUST' &&
            e.header.collaborative !== gp.collaborative,
        );
      });
      expect(both.length).toBeGreaterThan(0);
      // A realistic share of patients (10-20%) is treated in a neighbouring ICS, some across the CCR/OHC boundary.
      expect(acrossTheBorder.length / patients.size).toBeGreaterThan(0.02);
    });
  });

  describe('changes records the way sources do', () => {
    it('numbers each record 1, 2, 3... per provider, created first and never changed after a removal', () => {
      const wrong: string[] = [];
      for (const [record, changes] of byStream(events, recordOf)) {
        changes.forEach((change, i) => {
          const { sourceRecordVersion, operation } = change.header;
          if (sourceRecordVersion !== i + 1)
            wrong.push(`${record} v${sourceRecordVersion} at position ${i + 1}`);
          if ((i === 0) !== (operation === 'CREATE'))
            wrong.push(`${record} ${operation} at version ${sourceRecordVersion}`);
          if (operation === 'DELETE' && i !== changes.length - 1)
            wrong.push(`${record} changed after its removal`);
        });
      }
      expect(wrong).toEqual([]);
    });

    it('ends an encounter after it started, under the same record with a higher version', () => {
      let ended = 0;
      for (const changes of byStream(events, recordOf).values()) {
        const start = changes.find((e) => e.header.eventType === 'EncounterStarted');
        const end = changes.find((e) => e.header.eventType === 'EncounterEnded');
        if (end === undefined) continue;
        ended++;
        expect(start).toBeDefined();
        expect(end.header.sourceRecordVersion).toBeGreaterThan(start!.header.sourceRecordVersion);
        expect(end.header.occurredAt).toBeGreaterThanOrEqual(start!.header.occurredAt);
      }
      expect(ended).toBeGreaterThan(100);
    });

    it('merges a duplicate registration into the surviving number, after which the retired number is silent', () => {
      const merges = events.filter((e) => e.header.eventType === 'PatientMerged');
      expect(merges.length).toBeGreaterThan(0);
      for (const merge of merges) {
        const body = merge as RecordChangeEvent & { retiredNhsNumber: string; survivingNhsNumber: string };
        expect(body.survivingNhsNumber).toBe(merge.header.nhsNumber);
        const retired = events.filter((e) => e.header.nhsNumber === body.retiredNhsNumber);
        expect(retired[0].header.eventType).toBe('PatientRegistered');
        expect(retired.every((e) => e.header.occurredAt <= merge.header.occurredAt)).toBe(true);
      }
    });

    it('sends a death or a merge only from a provider that shared the patient before, or in the same message', () => {
      // Ingest's standing rule (apps/ingest/src/intake/patient-standing.ts): a death needs its patient, a merge the
      // number it retires, held by the sender: shared before, or carried by a record of the same message (neither a
      // death, a merge nor a removal). The loader publishes directly, but the region must be what ingest accepts.
      const held = new Set<string>();
      const carried = new Map<string, Set<string>>();
      for (const { header } of events)
        if (!['PatientDied', 'PatientMerged', 'RecordRemoved'].includes(header.eventType)) {
          const message = carried.get(header.correlationId) ?? new Set<string>();
          message.add(`${header.providerOdsCode}|${header.nhsNumber}`);
          carried.set(header.correlationId, message);
        }
      const without: string[] = [];
      let highImpact = 0;
      for (const event of events) {
        const { header } = event;
        const needs =
          header.eventType === 'PatientDied'
            ? header.nhsNumber
            : header.eventType === 'PatientMerged'
              ? (event as RecordChangeEvent & { retiredNhsNumber: string }).retiredNhsNumber
              : undefined;
        if (needs !== undefined) {
          highImpact++;
          const key = `${header.providerOdsCode}|${needs}`;
          if (!held.has(key) && !carried.get(header.correlationId)?.has(key))
            without.push(`${header.eventType} of ${needs} from ${header.providerOdsCode}`);
        }
        held.add(`${header.providerOdsCode}|${header.nhsNumber}`);
      }
      expect(highImpact).toBeGreaterThan(0);
      expect(without).toEqual([]);
    });

    it('after a death notice, only closes what was open: more notices, encounters ended, plans and care closed', () => {
      const afterDeath: string[] = [];
      for (const [nhsNumber, list] of byStream(events, (e) => e.header.nhsNumber)) {
        const died = list.findIndex((e) => e.header.eventType === 'PatientDied');
        if (died < 0) continue;
        for (const event of list.slice(died + 1)) {
          const closes =
            event.header.eventType === 'PatientDied' ||
            (event.header.eventType === 'EncounterEnded' && 'outcome' in event && event.outcome === 'DIED') ||
            ('status' in event && event.status === 'COMPLETED') ||
            ('period' in event && event.period !== null && event.period.end !== null);
          if (!closes) afterDeath.push(`${nhsNumber} ${event.header.eventType}`);
        }
      }
      expect(events.some((e) => e.header.eventType === 'PatientDied')).toBe(true);
      expect(afterDeath).toEqual([]);
    });
  });

  describe('streams as a live region would', () => {
    it("orders the stream by when Crosscare recorded events, and each patient's events by when they happened", () => {
      const outOfOrder = (list: readonly RecordChangeEvent[], time: (e: RecordChangeEvent) => number) =>
        list.filter((e, i) => i > 0 && time(e) < time(list[i - 1]));
      expect(outOfOrder(events, (e) => e.header.recordedAt)).toEqual([]);
      for (const list of byStream(events, (e) => e.header.nhsNumber).values())
        expect(outOfOrder(list, (e) => e.header.occurredAt)).toEqual([]);
      expect(events.filter((e) => e.header.recordedAt < e.header.occurredAt)).toEqual([]);
    });

    it('interleaves patients, and numbers correlation ids by message in stream order', () => {
      const firstHundred = new Set(events.slice(0, 100).map((e) => e.header.nhsNumber));
      expect(firstHundred.size).toBeGreaterThan(10);
      const numbers = events.map((e) => Number(/^region-42-(\d+)$/.exec(e.header.correlationId)?.[1]));
      expect(numbers[0]).toBe(1);
      expect(numbers.filter((n, i) => i > 0 && n !== numbers[i - 1] && n !== numbers[i - 1] + 1)).toEqual([]);
    });

    it('honours the correlation prefix and the span of days', () => {
      const from = Date.UTC(2025, 5, 1);
      const list = [
        ...generateRegion({ seed: 3, patients: 20, directory, from, days: 120, correlationPrefix: 'e2e' }),
      ];
      expect(list.every((e) => e.header.correlationId.startsWith('e2e-3-'))).toBe(true);
      expect(
        list.every((e) => e.header.occurredAt >= from && e.header.occurredAt < from + 120 * 86_400_000),
      ).toBe(true);
    });

    it('streams a million-event region: its first events are made without making the rest', () => {
      const eventsPerPatient = regionSummary(events).events / 300;
      const patients = 22_000;
      // The 300-patient region's rate makes this region a million events or more.
      expect(eventsPerPatient * patients).toBeGreaterThan(1_000_000);
      // Events are made one at a time by a patient's timeline advancing: counted, not timed.
      const advance = jest.spyOn(PatientTimeline.prototype, 'advance');
      try {
        const first: RecordChangeEvent[] = [];
        for (const event of generateRegion({ seed: 1, patients, directory })) {
          first.push(event);
          if (first.length === 10) break;
        }
        expect(first).toHaveLength(10);
        // Each patient's first event, made as the patient joins the stream, then one per event taken; a region held
        // in memory would have made all of its million events before the first came out.
        expect(advance.mock.calls.length).toBeLessThanOrEqual(patients + 10);
      } finally {
        advance.mockRestore();
      }
    });
  });

  it('refuses options it cannot honour, naming each', () => {
    const run = (options: object) => () => [
      ...generateRegion({ seed: 1, patients: 1, directory, ...options }),
    ];
    expect(run({ patients: -1 })).toThrow(/patients must be a whole number/);
    expect(run({ seed: 1.5 })).toThrow(/seed must be a whole number/);
    expect(run({ days: 30 })).toThrow(/days must be a whole number ≥ 90/);
    expect(run({ patients: 300_000 })).toThrow(/do not fit in the 999 test range/);
    expect(run({ correlationPrefix: 'a b' })).toThrow(/correlationPrefix/);
  });
});
