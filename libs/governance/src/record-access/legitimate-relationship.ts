/**
 * Why a reader's organisation may see a patient's shared record: it is caring for the patient. In order of
 * strength, which is the order the audit names the first that holds.
 * - REGISTERED_GP: the patient is registered with it (the latest registration any provider recorded);
 * - CARE_PROVIDER: it has itself published a record change for the patient (a current item of the record is its);
 * - REFERRAL_RECIPIENT: the patient was referred to it (a referral naming it that was not revoked).
 */
export const RELATIONSHIPS = ['REGISTERED_GP', 'CARE_PROVIDER', 'REFERRAL_RECIPIENT'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

/** What a patient's record says about who cares for them: each an ODS code, uppercase. */
export interface RelationshipEvidence {
  readonly registeredGpOdsCode: string | null;
  readonly careProviders: ReadonlySet<string>;
  readonly referralRecipients: ReadonlySet<string>;
}

/** The reader organisation's relationship with the patient, or null when it has none. */
export function legitimateRelationship(
  organisationOdsCode: string,
  evidence: RelationshipEvidence,
): Relationship | null {
  if (evidence.registeredGpOdsCode === organisationOdsCode) return 'REGISTERED_GP';
  if (evidence.careProviders.has(organisationOdsCode)) return 'CARE_PROVIDER';
  if (evidence.referralRecipients.has(organisationOdsCode)) return 'REFERRAL_RECIPIENT';
  return null;
}
