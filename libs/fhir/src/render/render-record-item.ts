import type {
  EncounterEnded,
  EncounterStarted,
  EventType,
  PatientDied,
  RecordChangeEvent,
  RecordChangeEventMap,
} from '@crosscare/events';
import type { Resource } from '@medplum/fhirtypes';
import type { RenderContext } from './render-context';
import { renderAdvanceCarePlan } from './resources/advance-care-plan';
import { renderAllergyIntolerance } from './resources/allergy-intolerance';
import { renderCarePlan } from './resources/care-plan';
import { renderCondition } from './resources/condition';
import { renderConsent } from './resources/consent';
import { renderDocumentReference } from './resources/document-reference';
import { renderDiagnosticReport } from './resources/diagnostic-report';
import { type EncounterParts, renderEncounter } from './resources/encounter';
import { renderEpisodeOfCare } from './resources/episode-of-care';
import { renderFlag } from './resources/flag';
import { renderImmunization } from './resources/immunization';
import { renderMedicationDispense } from './resources/medication-dispense';
import { renderMedicationRequest } from './resources/medication-request';
import { renderObservation } from './resources/observation';
import { renderPatient } from './resources/patient';
import { renderProcedure } from './resources/procedure';
import { renderServiceRequest } from './resources/service-request';

export interface RenderOptions {
  /**
   * The NHS number the record is shown under; the event's own by default. After a merge, items recorded under the
   * retired number belong to the surviving one.
   */
  readonly nhsNumber?: string;
  /** Names organisations referenced by ODS code, when the directory knows them. */
  readonly providerName?: (odsCode: string) => string | undefined;
  /**
   * The other half of an encounter: the EncounterEnded of an EncounterStarted, or the reverse. It must come from the
   * same provider and source record; the two render as one Encounter.
   */
  readonly encounterCounterpart?: EncounterStarted | EncounterEnded;
  /** The death to show on a Patient rendered from PatientRegistered or PatientDetailsChanged. */
  readonly death?: PatientDied;
}

/** Event types that are items of a patient's record; RecordRemoved and PatientMerged change the record instead. */
export type RenderedEventType = Exclude<EventType, 'RecordRemoved' | 'PatientMerged'>;

type Renderer<T extends RenderedEventType> = (
  event: RecordChangeEventMap[T],
  context: RenderContext,
  options: RenderOptions,
) => Resource;

const RENDERERS: { readonly [T in RenderedEventType]: Renderer<T> } = {
  PatientRegistered: (event, context, options) => renderPatient(event, options.death ?? null, context),
  PatientDetailsChanged: (event, context, options) => renderPatient(event, options.death ?? null, context),
  PatientDied: (event, context) => renderPatient(null, event, context),
  ProblemRecorded: renderCondition,
  AllergyRecorded: renderAllergyIntolerance,
  MedicationPrescribed: renderMedicationRequest,
  MedicationDispensed: renderMedicationDispense,
  EncounterStarted: (event, context, options) =>
    renderEncounter({ started: event, ended: counterpart(event, options, 'EncounterEnded') }, context),
  EncounterEnded: (event, context, options) => renderEncounter(endedParts(event, options), context),
  ObservationRecorded: renderObservation,
  ImmunisationRecorded: renderImmunization,
  CarePlanRecorded: renderCarePlan,
  ReferralMade: renderServiceRequest,
  SocialCareInvolvementRecorded: renderEpisodeOfCare,
  EndOfLifePreferencesRecorded: renderAdvanceCarePlan,
  SharingObjectionRecorded: renderConsent,
  AlertRecorded: renderFlag,
  DocumentRecorded: renderDocumentReference,
  DiagnosticReportIssued: renderDiagnosticReport,
  ProcedureRecorded: renderProcedure,
};

function isRenderedEventType(eventType: string): eventType is RenderedEventType {
  return Object.hasOwn(RENDERERS, eventType);
}

/**
 * One item of a patient's shared record as a FHIR R4 resource, shaped as UK Core and as the forward mapper
 * (mapFhirResource) reads it, so a rendered resource maps back to the event's clinical content. A death is the
 * Patient's deceased[x]. Undefined for events that are not items (RecordRemoved, PatientMerged).
 */
export function renderRecordItem(event: RecordChangeEvent, options: RenderOptions): Resource | undefined {
  const type = event.header.eventType;
  if (!isRenderedEventType(type)) return undefined;
  const context: RenderContext = {
    nhsNumber: options.nhsNumber ?? event.header.nhsNumber,
    providerName: options.providerName ?? (() => undefined),
  };
  const render = RENDERERS[type] as Renderer<RenderedEventType>;
  return render(event as RecordChangeEventMap[RenderedEventType], context, options);
}

function endedParts(ended: EncounterEnded, options: RenderOptions): EncounterParts {
  const started = counterpart(ended, options, 'EncounterStarted');
  return started === null ? { started: null, ended } : { started, ended };
}

/**
 * The counterpart given for an encounter part, checked: pairing halves of two encounters would show a patient an
 * admission they never had, so a mismatch is a caller's bug and fails loudly.
 */
function counterpart<T extends 'EncounterStarted' | 'EncounterEnded'>(
  part: EncounterStarted | EncounterEnded,
  options: RenderOptions,
  type: T,
): RecordChangeEventMap[T] | null {
  const other = options.encounterCounterpart;
  if (other === undefined) return null;
  const { header } = part;
  if (
    other.header.eventType !== type ||
    other.header.providerOdsCode !== header.providerOdsCode ||
    other.header.sourceRecordId !== header.sourceRecordId
  ) {
    throw new Error(
      `encounterCounterpart must be the ${type} of ${header.providerOdsCode} ${header.sourceRecordId}, ` +
        `not the ${other.header.eventType} of ${other.header.providerOdsCode} ${other.header.sourceRecordId}`,
    );
  }
  return other as RecordChangeEventMap[T];
}
