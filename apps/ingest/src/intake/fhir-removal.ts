import type { RecordChangeDraft } from '@crosscare/events';
import { fhirDeleteDraft, REMOVED_EVENT_TYPES, type FhirResourceType } from '@crosscare/fhir';
import type { LatestSharedVersion } from '../storage/shared-record-ledger';

/**
 * A FHIR DELETE as the RecordRemoved of the record this provider shared: its NHS number from the ledger, one version
 * above the last shared. Deleting it again repeats that same removal (same version, same withdrawn type), so it
 * publishes nothing new. The withdrawn type is the one shared when it is not the resource type's usual one.
 */
export function fhirRemoval(
  resourceType: FhirResourceType,
  id: string,
  latest: LatestSharedVersion,
  occurredAt: number,
): RecordChangeDraft<'RecordRemoved'> {
  const removed = latest.eventTypes.includes('RecordRemoved');
  const usual = REMOVED_EVENT_TYPES[resourceType];
  const shared = latest.eventTypes.filter((t) => t !== 'RecordRemoved');
  return fhirDeleteDraft(
    resourceType,
    id,
    latest.nhsNumber,
    removed ? latest.version : latest.version + 1,
    occurredAt,
    removed || shared.length === 0 || shared.includes(usual) ? usual : (shared[0] as typeof usual),
  );
}
