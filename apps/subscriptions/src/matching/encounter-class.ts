import type { EncounterClass } from '@crosscare/events';
import { isEventOf, type PatientRecord } from '@crosscare/projection';

/**
 * The class of the encounter a provider's source record started, as the patient's record holds it: an
 * EncounterEnded does not repeat it, and a subscription filtered by kind (inpatient, emergency) needs it to hear of
 * a discharge.
 */
export function encounterClassIn(
  records: readonly PatientRecord[],
  providerOdsCode: string,
  sourceRecordId: string,
): EncounterClass | undefined {
  for (const record of records)
    for (const item of record.items)
      if (
        isEventOf(item, 'EncounterStarted') &&
        item.header.providerOdsCode === providerOdsCode &&
        item.header.sourceRecordId === sourceRecordId
      )
        return item.encounterClass;
  return undefined;
}
