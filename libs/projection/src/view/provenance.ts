import type { RecordChangeEvent } from '@crosscare/events';
import { isoInstant } from './readable';

/** Where an item of the view comes from: the provider's record and the event that set its current version. */
export interface Provenance {
  readonly providerOdsCode: string;
  /** The provider's name from the directory; null when the directory does not know the code. */
  readonly providerName: string | null;
  readonly ics: string;
  /** The collaborative the provider belongs to, whichever collaborative's record carried the item. */
  readonly collaborative: string;
  readonly sourceRecordId: string;
  readonly sourceRecordVersion: number;
  readonly eventId: string;
  readonly eventType: string;
  /** ISO instant. */
  readonly occurredAt: string;
  /** ISO instant. */
  readonly recordedAt: string;
}

/** Looks a provider's name up by ODS code; undefined when unknown. */
export type ProviderNames = (odsCode: string) => string | undefined;

export function provenanceOf(event: RecordChangeEvent, providerName: ProviderNames | undefined): Provenance {
  const { header } = event;
  return {
    providerOdsCode: header.providerOdsCode,
    providerName: providerName?.(header.providerOdsCode) ?? null,
    ics: header.ics,
    collaborative: header.collaborative,
    sourceRecordId: header.sourceRecordId,
    sourceRecordVersion: header.sourceRecordVersion,
    eventId: header.eventId,
    eventType: header.eventType,
    occurredAt: isoInstant(header.occurredAt),
    recordedAt: isoInstant(header.recordedAt),
  };
}
