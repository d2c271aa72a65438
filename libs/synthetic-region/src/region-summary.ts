import { EVENT_TYPES, type EventType, type RecordChangeEvent } from '@crosscare/events';

export interface RegionSummary {
  readonly events: number;
  readonly byType: Readonly<Record<EventType, number>>;
  /** By header.ics, ICS codes in first-seen order. */
  readonly byIcs: Readonly<Record<string, number>>;
  readonly byCollaborative: Readonly<Record<string, number>>;
  /** Distinct NHS numbers, duplicate registrations included. */
  readonly nhsNumbers: number;
  readonly providers: number;
  /** Earliest and latest header.occurredAt; undefined for an empty region. */
  readonly firstOccurredAt: number | undefined;
  readonly lastOccurredAt: number | undefined;
}

/** Counts a region's events as they stream past, for a loader's report or a test's expectations. */
export class RegionTally {
  private events = 0;
  private readonly byType = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
  private readonly byIcs: Record<string, number> = {};
  private readonly byCollaborative: Record<string, number> = {};
  private readonly nhsNumbers = new Set<string>();
  private readonly providers = new Set<string>();
  private first: number | undefined;
  private last: number | undefined;

  add(event: RecordChangeEvent): void {
    const { header } = event;
    this.events++;
    this.byType[header.eventType as EventType]++;
    this.byIcs[header.ics] = (this.byIcs[header.ics] ?? 0) + 1;
    this.byCollaborative[header.collaborative] = (this.byCollaborative[header.collaborative] ?? 0) + 1;
    this.nhsNumbers.add(header.nhsNumber);
    this.providers.add(header.providerOdsCode);
    if (this.first === undefined || header.occurredAt < this.first) this.first = header.occurredAt;
    if (this.last === undefined || header.occurredAt > this.last) this.last = header.occurredAt;
  }

  summary(): RegionSummary {
    return {
      events: this.events,
      byType: { ...this.byType },
      byIcs: { ...this.byIcs },
      byCollaborative: { ...this.byCollaborative },
      nhsNumbers: this.nhsNumbers.size,
      providers: this.providers.size,
      firstOccurredAt: this.first,
      lastOccurredAt: this.last,
    };
  }
}

/** The summary of a whole region (or any events). */
export function regionSummary(events: Iterable<RecordChangeEvent>): RegionSummary {
  const tally = new RegionTally();
  for (const event of events) tally.add(event);
  return tally.summary();
}
