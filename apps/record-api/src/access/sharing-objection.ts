import type { PatientRecord } from '@crosscare/projection';

/** Whether the patient has an active objection to sharing, in either collaborative's snapshot. */
export function hasActiveSharingObjection(records: readonly PatientRecord[]): boolean {
  return records.some((record) =>
    record.items.some(
      (item) =>
        item.header.eventType === 'SharingObjectionRecorded' &&
        (item as unknown as { status?: string }).status === 'ACTIVE',
    ),
  );
}
