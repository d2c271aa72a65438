import type {
  EncounterEnded,
  EncounterStarted,
  PatientDetailsChanged,
  PatientDied,
  PatientRegistered,
} from '@crosscare/events';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { fhirInstant } from './fhir-values';
import { renderProvenance, type ShownEvent } from './provenance';
import type { RenderContext } from './render-context';
import { renderRecordItem } from './render-record-item';
import { renderPatient } from './resources/patient';
import { uuidReference } from './resource-ids';
import { groupSharedItems, type ItemGroup, type SharedRecordItem } from './shared-record-items';

export interface SharedRecordBundleInput {
  /** The patient whose record this is; every item is shown under this NHS number (the survivor of any merge). */
  readonly nhsNumber: string;
  readonly bundleId: string;
  /** When the record was assembled, epoch ms. */
  readonly timestamp: number;
  readonly demographics: PatientRegistered | PatientDetailsChanged | null;
  readonly death: PatientDied | null;
  /** Items of both collaboratives' read models; patient details and deaths come through demographics and death. */
  readonly items: readonly SharedRecordItem[];
  readonly providerName?: (ods: string) => string | undefined;
}

/**
 * One patient's shared record, merged across both collaboratives, as a FHIR collection Bundle: the active Flags
 * (alerts) first, then the Patient, then one resource per item (an encounter's start and end as one Encounter), then one Provenance per event shown
 * saying which provider, ICS and collaborative it came from. Ids and order depend only on the input, so the same
 * record always gives the same Bundle.
 */
export function renderSharedRecordBundle(input: SharedRecordBundleInput): Bundle {
  const providerName = input.providerName ?? (() => undefined);
  const context: RenderContext = { nhsNumber: input.nhsNumber, providerName };
  const patient = renderPatient(input.demographics, input.death, context);
  const patientEvents = [input.demographics, input.death].flatMap((event): ShownEvent[] =>
    event === null ? [] : [{ event, collaboratives: [event.header.collaborative] }],
  );
  const groups = groupSharedItems(input.items).map((group) => ({
    resource: renderGroup(group, input),
    events: group,
  }));
  // Alerts in force come before everything, the Patient included: they are what a reader must see first.
  const alertFirst = groups.filter(({ resource }) => isActiveFlag(resource));
  const shown = [
    ...alertFirst,
    { resource: patient, events: patientEvents },
    ...groups.filter((group) => !alertFirst.includes(group)),
  ];
  const provenances = shown.flatMap(({ resource, events }) =>
    events.map((event) => renderProvenance(event, idOf(resource), providerName)),
  );
  return {
    resourceType: 'Bundle',
    id: input.bundleId,
    type: 'collection',
    timestamp: fhirInstant(input.timestamp),
    entry: [...shown.map(({ resource }) => resource), ...provenances].map(entry),
  };
}

function renderGroup([first, counterpart]: ItemGroup, input: SharedRecordBundleInput): Resource {
  const resource = renderRecordItem(first.event, {
    nhsNumber: input.nhsNumber,
    providerName: input.providerName,
    // Grouping pairs only an encounter's two parts.
    ...(counterpart === undefined
      ? {}
      : { encounterCounterpart: counterpart.event as EncounterStarted | EncounterEnded }),
  });
  if (resource === undefined) throw new Error(`${first.event.header.eventType} is not an item of the record`);
  return resource;
}

const isActiveFlag = (resource: Resource): boolean =>
  resource.resourceType === 'Flag' && resource.status === 'active';

const entry = (resource: Resource): BundleEntry => ({ fullUrl: uuidReference(idOf(resource)), resource });

/** Every rendered resource has an id; the type cannot say so. */
function idOf(resource: Resource): string {
  if (resource.id === undefined) throw new Error(`rendered ${resource.resourceType} has no id`);
  return resource.id;
}
