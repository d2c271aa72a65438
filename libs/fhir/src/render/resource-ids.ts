import { createHash } from 'node:crypto';

/** Namespace of Crosscare's rendered resource ids; fixed forever, since a record's ids must not change between releases. */
const RESOURCE_ID_NAMESPACE = Buffer.from('de968f26d2b74ef99a72cc64efe15a37', 'hex');

/**
 * RFC 4122 version 5 UUID of the parts. A UUID rather than the source record id itself: provider ids may hold any
 * character and be of any length, and a FHIR id is at most 64 letters, digits, '-' and '.'.
 */
function nameBasedUuid(...parts: readonly string[]): string {
  const hash = createHash('sha1').update(RESOURCE_ID_NAMESPACE).update(parts.join('\u0000'), 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Id of the resource showing one provider record. `part` tells apart the items one source record can yield (the
 * projection's item part, e.g. ProblemRecorded), except that an encounter's start and end are one resource.
 */
export const itemResourceId = (providerOdsCode: string, sourceRecordId: string, part: string): string =>
  nameBasedUuid('item', providerOdsCode, sourceRecordId, part);

/**
 * The Patient stands for the person across every provider, so its id follows the NHS number, not whichever
 * provider's details it shows.
 */
export const patientResourceId = (nhsNumber: string): string => nameBasedUuid('Patient', nhsNumber);

/** One Provenance per event shown: the event's record, part and type name it. */
export const provenanceResourceId = (providerOdsCode: string, sourceRecordId: string, eventType: string) =>
  nameBasedUuid('Provenance', providerOdsCode, sourceRecordId, eventType);

/** How entries of a rendered Bundle refer to each other: every fullUrl is the urn:uuid of the resource id. */
export const uuidReference = (resourceId: string): string => `urn:uuid:${resourceId}`;
