import type { PatientMerged, RecordChangeEvent, RecordRemoved } from '@crosscare/events';
import { isValidNhsNumber } from '@crosscare/governance';
import {
  isEventOf,
  isItemEventType,
  type ItemEventType,
  type ItemKind,
  type ItemWrite,
  type MergeChange,
} from './record-item';

/** What one event does to the read model, or why it cannot be applied (the caller dead-letters it). */
export type Projected =
  | { readonly outcome: 'items'; readonly writes: ItemWrite[] }
  | { readonly outcome: 'merge'; readonly merge: MergeChange }
  | { readonly outcome: 'rejected'; readonly reason: string };

const KIND_BY_EVENT_TYPE: { readonly [T in ItemEventType]: ItemKind } = {
  PatientRegistered: 'demographics',
  PatientDetailsChanged: 'demographics',
  PatientDied: 'death',
  ProblemRecorded: 'problem',
  AllergyRecorded: 'allergy',
  MedicationPrescribed: 'medication-prescribed',
  MedicationDispensed: 'medication-dispensed',
  EncounterStarted: 'encounter',
  EncounterEnded: 'encounter',
  ObservationRecorded: 'observation',
  ImmunisationRecorded: 'immunisation',
  CarePlanRecorded: 'care-plan',
  ReferralMade: 'referral',
  SocialCareInvolvementRecorded: 'social-care',
  EndOfLifePreferencesRecorded: 'end-of-life',
  SharingObjectionRecorded: 'sharing-objection',
  AlertRecorded: 'alert',
  DocumentRecorded: 'document',
  DiagnosticReportIssued: 'result',
  ProcedureRecorded: 'procedure',
};

/** The part that a provider's details occupy, whichever event carried them. */
export const PATIENT_DETAILS_PART = 'PatientDetails';

const ENCOUNTER_PARTS: readonly string[] = ['EncounterStarted', 'EncounterEnded'];

/** The item kind an event type sets; undefined for RecordRemoved, PatientMerged and types this build does not know. */
export function itemKindOf(eventType: string): ItemKind | undefined {
  return isItemEventType(eventType) ? KIND_BY_EVENT_TYPE[eventType] : undefined;
}

/**
 * The part of its source record an event type sets. PatientRegistered and PatientDetailsChanged share one part, so
 * the latest details win whichever event carried them; every other type is its own part.
 */
export function partOf(eventType: string): string | undefined {
  if (!isItemEventType(eventType)) return undefined;
  return KIND_BY_EVENT_TYPE[eventType] === 'demographics' ? PATIENT_DETAILS_PART : eventType;
}

/** Projects one event into read-model changes, after checking what the store relies on. */
export function projectEvent(event: RecordChangeEvent): Projected {
  const { header } = event;
  if (!isValidNhsNumber(header.nhsNumber))
    return rejected(`header.nhsNumber ${header.nhsNumber} is not a valid NHS number`);
  if (!Number.isSafeInteger(header.sourceRecordVersion) || header.sourceRecordVersion < 0)
    return rejected(
      `header.sourceRecordVersion ${header.sourceRecordVersion} is not a non-negative safe integer`,
    );
  if (isEventOf(event, 'PatientMerged')) return projectMerge(event);
  if (isEventOf(event, 'RecordRemoved')) return projectRemoval(event);
  const kind = itemKindOf(header.eventType);
  const part = partOf(header.eventType);
  if (kind === undefined || part === undefined)
    return rejected(`header.eventType ${header.eventType} is not an event type this projector knows`);
  return { outcome: 'items', writes: [itemWrite(event, kind, part, false)] };
}

function projectRemoval(event: RecordRemoved): Projected {
  const { header, removedEventType, removedSourceRecordId } = event;
  if (removedSourceRecordId !== header.sourceRecordId)
    return rejected(
      `removedSourceRecordId ${removedSourceRecordId} differs from header.sourceRecordId ${header.sourceRecordId}`,
    );
  const kind = itemKindOf(removedEventType);
  const part = partOf(removedEventType);
  if (kind === undefined || part === undefined)
    return rejected(`removedEventType ${removedEventType} is not an event type that records an item`);
  // Either part of an encounter may be what the source names; removing the encounter removes both.
  const parts = ENCOUNTER_PARTS.includes(part) ? ENCOUNTER_PARTS : [part];
  return { outcome: 'items', writes: parts.map((removedPart) => itemWrite(event, kind, removedPart, true)) };
}

function projectMerge(event: PatientMerged): Projected {
  const { header, retiredNhsNumber, survivingNhsNumber } = event;
  if (!isValidNhsNumber(retiredNhsNumber))
    return rejected(`retiredNhsNumber ${retiredNhsNumber} is not a valid NHS number`);
  if (!isValidNhsNumber(survivingNhsNumber))
    return rejected(`survivingNhsNumber ${survivingNhsNumber} is not a valid NHS number`);
  if (survivingNhsNumber !== header.nhsNumber)
    return rejected(
      `survivingNhsNumber ${survivingNhsNumber} differs from header.nhsNumber ${header.nhsNumber}`,
    );
  if (retiredNhsNumber === survivingNhsNumber)
    return rejected(
      `retiredNhsNumber ${retiredNhsNumber} equals survivingNhsNumber: a patient cannot merge into itself`,
    );
  return {
    outcome: 'merge',
    merge: {
      retiredNhsNumber,
      survivingNhsNumber,
      providerOdsCode: header.providerOdsCode,
      ics: header.ics,
      eventId: header.eventId,
      occurredAt: header.occurredAt,
    },
  };
}

function itemWrite(event: RecordChangeEvent, kind: ItemKind, part: string, removed: boolean): ItemWrite {
  const { header } = event;
  return {
    providerOdsCode: header.providerOdsCode,
    sourceRecordId: header.sourceRecordId,
    part,
    kind,
    nhsNumber: header.nhsNumber,
    ics: header.ics,
    collaborative: header.collaborative,
    sourceRecordVersion: header.sourceRecordVersion,
    eventId: header.eventId,
    eventType: header.eventType,
    occurredAt: header.occurredAt,
    recordedAt: header.recordedAt,
    removed,
    event,
  };
}

function rejected(reason: string): Projected {
  return { outcome: 'rejected', reason };
}
