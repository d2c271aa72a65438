import type { RecordChangeHeader } from '@crosscare/events';
import type { Coding, Identifier, Meta } from '@medplum/fhirtypes';
import { sourceRecordSystem } from './crosscare-definitions';
import { fhirInstant, optional } from './fhir-values';
import { itemResourceId } from './resource-ids';

/** What every resource renderer needs besides its event. */
export interface RenderContext {
  /**
   * The NHS number the record is shown under. After a merge an item recorded under the retired number belongs to
   * the surviving one, so this is not always the event's own.
   */
  readonly nhsNumber: string;
  readonly providerName: (odsCode: string) => string | undefined;
}

/** The provider's own id of the record, under that provider's identifier system. */
export const sourceRecordIdentifier = (header: RecordChangeHeader): Identifier => ({
  system: sourceRecordSystem(header.providerOdsCode),
  value: header.sourceRecordId,
});

/** Which provider the resource came from, which version of its record it shows, and when Crosscare accepted it. */
export function recordMeta(header: RecordChangeHeader, security?: readonly Coding[]): Meta {
  return {
    versionId: String(header.sourceRecordVersion),
    lastUpdated: fhirInstant(header.recordedAt),
    source: `urn:ods:${header.providerOdsCode}`,
    ...optional('security', security && [...security]),
  };
}

/** The elements every rendered item starts with: its id, meta and the provider's record identifier. */
export function itemFrame(header: RecordChangeHeader, part: string, security?: readonly Coding[]) {
  return {
    id: itemResourceId(header.providerOdsCode, header.sourceRecordId, part),
    meta: recordMeta(header, security),
    identifier: [sourceRecordIdentifier(header)],
  };
}
