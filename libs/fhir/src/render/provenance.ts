import type { RecordChangeEvent, RecordOperation } from '@crosscare/events';
import type { Extension, Provenance } from '@medplum/fhirtypes';
import { CROSSCARE_EXTENSIONS } from './crosscare-definitions';
import { conceptFrom, fhirInstant, optional, organisationReference } from './fhir-values';
import { provenanceResourceId, uuidReference } from './resource-ids';

const DATA_OPERATION = 'http://terminology.hl7.org/CodeSystem/v3-DataOperation';
const PARTICIPANT_TYPE = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';

const ACTIVITIES: Record<RecordOperation, string | undefined> = {
  CREATE: 'CREATE',
  UPDATE: 'UPDATE',
  DELETE: 'DELETE',
  UNKNOWN: undefined,
};

/** One record change event as the shared record shows it, with the collaboratives whose read models carried it. */
export interface ShownEvent {
  readonly event: RecordChangeEvent;
  readonly collaboratives: readonly string[];
}

/**
 * Where one shown item came from: the provider as author (an Organization by ODS code), when it happened and when
 * Crosscare accepted it, and in a Crosscare extension the event itself with its ICS and collaboratives.
 */
export function renderProvenance(
  shown: ShownEvent,
  targetId: string,
  providerName: (odsCode: string) => string | undefined,
): Provenance {
  const { header } = shown.event;
  return {
    resourceType: 'Provenance',
    id: provenanceResourceId(header.providerOdsCode, header.sourceRecordId, header.eventType),
    extension: [origin(shown)],
    target: [{ reference: uuidReference(targetId) }],
    occurredDateTime: fhirInstant(header.occurredAt),
    recorded: fhirInstant(header.recordedAt),
    ...optional('activity', conceptFrom(DATA_OPERATION, ACTIVITIES[header.operation])),
    agent: [
      {
        type: conceptFrom(PARTICIPANT_TYPE, 'author', 'Author'),
        who: organisationReference(header.providerOdsCode, providerName(header.providerOdsCode)),
      },
    ],
  };
}

function origin({ event: { header }, collaboratives }: ShownEvent): Extension {
  return {
    url: CROSSCARE_EXTENSIONS.recordChangeOrigin,
    extension: [
      { url: 'eventId', valueString: header.eventId },
      { url: 'eventType', valueCode: header.eventType },
      { url: 'ics', valueCode: header.ics },
      ...collaboratives.map((collaborative) => ({ url: 'collaborative', valueCode: collaborative })),
    ],
  };
}
