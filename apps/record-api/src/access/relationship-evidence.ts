import type { RecordChangeEvent } from '@crosscare/events';
import type { RelationshipEvidence } from '@crosscare/governance';
import { isEventOf, viewSharedRecord, type PatientRecord } from '@crosscare/projection';

/**
 * What a patient's record (both collaboratives' snapshots) says about who is caring for them: the registered GP
 * practice as the record view shows it (the latest registration any provider recorded), every provider with a
 * current item, and every organisation a referral that was not revoked names.
 */
export function relationshipEvidence(records: readonly PatientRecord[], now: number): RelationshipEvidence {
  const items: RecordChangeEvent[] = records.flatMap((record) => record.items);
  const registeredGp =
    records.length > 0 ? viewSharedRecord(records, { now, includeRestricted: false }).registeredGp : null;
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
