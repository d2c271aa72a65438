import type { RecordChangeEvent } from '@crosscare/events';
import { loadProviderDirectory } from '@crosscare/governance';
import { generateRegion } from './generate-region';
import { RegionTally, regionSummary } from './region-summary';

describe('regionSummary', () => {
  const events: RecordChangeEvent[] = [
    ...generateRegion({ seed: 2, patients: 30, directory: loadProviderDirectory() }),
  ];

  it('counts events by type, ICS and collaborative, each adding up to the whole', () => {
    const summary = regionSummary(events);
    const sum = (counts: Readonly<Record<string, number>>) =>
      Object.values(counts).reduce((a, b) => a + b, 0);
    expect(summary.events).toBe(events.length);
    expect(sum(summary.byType)).toBe(events.length);
    expect(sum(summary.byIcs)).toBe(events.length);
    expect(sum(summary.byCollaborative)).toBe(events.length);
    expect(summary.byType.PatientRegistered).toBe(
      events.filter((e) => e.header.eventType === 'PatientRegistered').length,
    );
    expect(summary.byIcs.QHL ?? 0).toBe(events.filter((e) => e.header.ics === 'QHL').length);
  });

  it('counts distinct NHS numbers and providers, and the span of the history', () => {
    const summary = regionSummary(events);
    expect(summary.nhsNumbers).toBe(new Set(events.map((e) => e.header.nhsNumber)).size);
    expect(summary.providers).toBe(new Set(events.map((e) => e.header.providerOdsCode)).size);
    const times = events.map((e) => e.header.occurredAt);
    expect([summary.firstOccurredAt, summary.lastOccurredAt]).toEqual([
      Math.min(...times),
      Math.max(...times),
    ]);
  });

  it('summarises nothing as zeros', () => {
    const summary = new RegionTally().summary();
    expect(summary.events).toBe(0);
    expect(summary.byType.AllergyRecorded).toBe(0);
    expect(summary.firstOccurredAt).toBeUndefined();
  });
});
