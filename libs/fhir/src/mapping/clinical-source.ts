import type { AnyRecordChangeDraft, EventType, RecordChangeSource } from '@crosscare/events';
import type { Meta, Reference, Resource } from '@medplum/fhirtypes';
import type { MappingContext } from './mapping-context';
import { referencedNhsNumber } from './patient-identity';
import { recordRemoved } from './record-removal';
import { type ClinicalTimes, recordSource } from './record-source';

/**
 * The full header source of a clinical resource: whose record (from its subject or patient element), which record and
 * version, and when. Null once anything is missing; the context's issues say what.
 */
export function clinicalSource(
  resource: {
    readonly resourceType: string;
    readonly id?: string;
    readonly meta?: Meta;
    readonly contained?: readonly Resource[];
  },
  patient: { readonly element: string; readonly reference: Reference | undefined },
  clinicalTimes: ClinicalTimes,
  context: MappingContext,
): RecordChangeSource | null {
  const { at, issues } = context;
  const nhsNumber = referencedNhsNumber(patient.reference, `${at}.${patient.element}`, issues, {
    inBundle: context.patients,
    earlier: context.earlierPatients,
    contained: resource.contained,
    containedAt: `${at}.contained`,
  });
  const source = recordSource(resource, at, context, clinicalTimes);
  return nhsNumber !== null && source !== null ? { nhsNumber, ...source } : null;
}

/**
 * A record marked entered-in-error was never true: consumers must stop showing what they hold for it, so it becomes
 * a RecordRemoved of the event type the resource normally maps to, not an update.
 */
export function removedAsEnteredInError(
  source: RecordChangeSource | null,
  removedEventType: EventType,
  context: MappingContext,
): AnyRecordChangeDraft[] {
  if (source === null || !context.issues.isEmpty) return [];
  return [recordRemoved(source, removedEventType, 'ENTERED_IN_ERROR')];
}

export const ENTERED_IN_ERROR = 'entered-in-error';
