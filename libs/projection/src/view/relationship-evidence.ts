import type { RecordChangeEvent } from '@crosscare/events';
import type { RelationshipEvidence } from '@crosscare/governance';
import type { PatientRecord } from '../patient-record';
import { isEventOf } from '../record-item';
import { viewSharedRecord } from '../shared-record-view';

/**
 * What a patient's record (both collaboratives' snapshots) says about who is caring for them: the registered GP
 * practice as the record view shows it (the latest registration any provider recorded), every provider with a
 * current item, and every organisation a referral that was not revoked names.
 */
export function relationshipEvidence(records: readonly PatientRecord[], now: number): RelationshipEvidence {
  const items: RecordChangeEvent[] = records.flatMap((record) => record.items);
  // The view's own choice of registration, over the patient details alone: the same answer as the whole view's,
  // without building it twice for a patient with a long history.
  const details = records.map((record) => ({ ...record, items: record.items.filter(isPatientDetails) }));
  const registeredGp = viewSharedRecord(details, { now, includeRestricted: false }).registeredGp;
  const referralRecipients = new Set<string>();
  for (const item of items)
    if (isEventOf(item, 'ReferralMade') && item.recipientOdsCode && item.status !== 'REVOKED')
      referralRecipients.add(item.recipientOdsCode.toUpperCase());
  return {
    registeredGpOdsCode: registeredGp?.practiceOdsCode.toUpperCase() ?? null,
    careProviders: new Set(items.map((item) => item.header.providerOdsCode.toUpperCase())),
    referralRecipients,
  };
}

/** Whether the organisation published any current item of the record itself. */
export function holdsItems(records: readonly PatientRecord[], organisationOdsCode: string): boolean {
  return records.some((record) =>
    record.items.some((item) => item.header.providerOdsCode.toUpperCase() === organisationOdsCode),
  );
}

function isPatientDetails(item: RecordChangeEvent): boolean {
  return item.header.eventType === 'PatientRegistered' || item.header.eventType === 'PatientDetailsChanged';
}
