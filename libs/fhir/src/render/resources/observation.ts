import type { ObservationCategory, ObservationInterpretation, ObservationRecorded } from '@crosscare/events';
import type { CodeableConcept, Observation } from '@medplum/fhirtypes';
import { V3_OBSERVATION_INTERPRETATION } from '../../fhir-systems';
import {
  codeableConcept,
  conceptFrom,
  fhirInstant,
  optional,
  patientReference,
  quantity,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

const CATEGORIES: Record<ObservationCategory, CodeableConcept | undefined> = {
  VITAL_SIGNS: conceptFrom(OBSERVATION_CATEGORY, 'vital-signs', 'Vital Signs'),
  LABORATORY: conceptFrom(OBSERVATION_CATEGORY, 'laboratory', 'Laboratory'),
  IMAGING: conceptFrom(OBSERVATION_CATEGORY, 'imaging', 'Imaging'),
  EXAM: conceptFrom(OBSERVATION_CATEGORY, 'exam', 'Exam'),
  SURVEY: conceptFrom(OBSERVATION_CATEGORY, 'survey', 'Survey'),
  SOCIAL_HISTORY: conceptFrom(OBSERVATION_CATEGORY, 'social-history', 'Social History'),
  OTHER: undefined,
};

/**
 * An interpretation the source gave but Crosscare could not code is still an interpretation: it is shown as text,
 * not dropped, so a reader knows the result was flagged.
 */
export const INTERPRETATIONS: Record<ObservationInterpretation, CodeableConcept> = {
  NORMAL: { coding: [{ system: V3_OBSERVATION_INTERPRETATION, code: 'N', display: 'Normal' }] },
  LOW: { coding: [{ system: V3_OBSERVATION_INTERPRETATION, code: 'L', display: 'Low' }] },
  HIGH: { coding: [{ system: V3_OBSERVATION_INTERPRETATION, code: 'H', display: 'High' }] },
  CRITICALLY_LOW: {
    coding: [{ system: V3_OBSERVATION_INTERPRETATION, code: 'LL', display: 'Critical low' }],
  },
  CRITICALLY_HIGH: {
    coding: [{ system: V3_OBSERVATION_INTERPRETATION, code: 'HH', display: 'Critical high' }],
  },
  ABNORMAL: { coding: [{ system: V3_OBSERVATION_INTERPRETATION, code: 'A', display: 'Abnormal' }] },
  UNKNOWN: { text: 'Interpretation not coded' },
};

/**
 * The event carries no status: a value is a result the provider recorded (final); without one it may be pending or
 * a coded finding, which Crosscare cannot tell apart (unknown).
 */
export function observationStatus(observation: ObservationRecorded): Observation['status'] {
  const { valueQuantity, valueCoded, valueString } = observation;
  return valueQuantity !== null || valueCoded !== null || valueString !== null ? 'final' : 'unknown';
}

/** ObservationRecorded → Observation, its status as observationStatus says. */
export function renderObservation(observation: ObservationRecorded, context: RenderContext): Observation {
  const { valueQuantity, valueCoded, valueString, interpretation } = observation;
  const category = CATEGORIES[observation.category];
  return {
    resourceType: 'Observation',
    ...itemFrame(observation.header, 'ObservationRecorded'),
    status: observationStatus(observation),
    ...optional('category', category && [category]),
    code: codeableConcept(observation.code),
    subject: patientReference(context.nhsNumber),
    effectiveDateTime: fhirInstant(observation.effectiveAt),
    ...optional('valueQuantity', valueQuantity && quantity(valueQuantity)),
    ...optional('valueCodeableConcept', valueCoded && codeableConcept(valueCoded)),
    ...optional('valueString', valueString),
    ...optional('interpretation', interpretation && [INTERPRETATIONS[interpretation]]),
  };
}
