import type { EventType, RecordChangeDraft } from '@crosscare/events';
import { recordRemoved, REMOVED_EVENT_TYPES } from './mapping/record-removal';
import type { FhirResourceType } from './resource-types';

/**
 * `DELETE /fhir/{type}/{id}` (or a Bundle DELETE entry) → RecordRemoved, reason DELETED_AT_SOURCE. A DELETE carries
 * no resource, so the app supplies what it recorded when it shared the record: the NHS number, a version above the
 * last one shared, and when. Pass `removedEventType` when the record was not the type's usual event (an advance
 * care plan is EndOfLifePreferencesRecorded, not CarePlanRecorded).
 */
export function fhirDeleteDraft(
  resourceType: FhirResourceType,
  id: string,
  nhsNumber: string,
  version: number,
  occurredAt: number,
  removedEventType: EventType = REMOVED_EVENT_TYPES[resourceType],
): RecordChangeDraft<'RecordRemoved'> {
  return recordRemoved(
    {
      nhsNumber,
      sourceRecordId: `${resourceType}/${id}`,
      sourceRecordVersion: version,
      operation: 'DELETE',
      occurredAt,
    },
    removedEventType,
    'DELETED_AT_SOURCE',
  );
}
