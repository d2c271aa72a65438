import type {
  AnyRecordChangeDraft,
  CodedValue,
  ObservationCategory,
  ObservationInterpretation,
  Quantity as EventQuantity,
} from '@crosscare/events';
import type { Observation, ObservationComponent, Quantity } from '@medplum/fhirtypes';
import { LOINC, SNOMED_CT, V3_OBSERVATION_INTERPRETATION } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { codeFrom, eventQuantity, mapCode, pickCoding, requiredCoding } from '../mapping/codings';
import { instantOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';

const CATEGORIES: Record<string, ObservationCategory> = {
  'vital-signs': 'VITAL_SIGNS',
  laboratory: 'LABORATORY',
  imaging: 'IMAGING',
  exam: 'EXAM',
  survey: 'SURVEY',
  'social-history': 'SOCIAL_HISTORY',
};
const INTERPRETATIONS: Record<string, ObservationInterpretation> = {
  N: 'NORMAL',
  L: 'LOW',
  LU: 'LOW',
  H: 'HIGH',
  HU: 'HIGH',
  LL: 'CRITICALLY_LOW',
  HH: 'CRITICALLY_HIGH',
  A: 'ABNORMAL',
  AA: 'ABNORMAL',
};

export interface ObservationValue {
  readonly valueQuantity: EventQuantity | null;
  readonly valueCoded: CodedValue | null;
  readonly valueString: string | null;
}
const NO_VALUE: ObservationValue = { valueQuantity: null, valueCoded: null, valueString: null };

/** Observation (vital sign, result, score, social history) → ObservationRecorded; entered-in-error → RecordRemoved. */
export function mapObservation(observation: Observation, context: MappingContext): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const effective: readonly (readonly [string | undefined, string])[] = [
    [observation.effectiveDateTime, `${at}.effectiveDateTime`],
    [observation.effectivePeriod?.start, `${at}.effectivePeriod.start`],
    [observation.effectiveInstant, `${at}.effectiveInstant`],
    [observation.issued, `${at}.issued`],
  ];
  const source = clinicalSource(
    observation,
    { element: 'subject', reference: observation.subject },
    effective,
    context,
  );
  if (observation.status === ENTERED_IN_ERROR) {
    return removedAsEnteredInError(source, 'ObservationRecorded', context);
  }
  const code = requiredCoding(observation.code, `${at}.code`, issues, { preferred: [SNOMED_CT, LOINC] });
  // effective[x] and issued are both optional in R4 and UK Core, and published examples (a lab count, a social history
  // finding) carry neither: the observation then applies as of its record change (meta.lastUpdated or receipt), the
  // latest it can have held, rather than being refused for a time the sender never had to give.
  const [effectiveTime, effectiveLocation] = effective.find(([value]) => value !== undefined) ?? [];
  const effectiveAt =
    effectiveTime === undefined
      ? (source?.occurredAt ?? null)
      : instantOf(effectiveTime, effectiveLocation ?? `${at}.effectiveDateTime`, issues);
  if (source === null || code === null || effectiveAt === null || !issues.isEmpty) return [];
  return [
    draft('ObservationRecorded', source, {
      code,
      category: categoryOf(observation),
      effectiveAt,
      ...valueOf(observation),
      interpretation: interpretationOf(observation),
    }),
  ];
}

/** The abnormal flag of a result, as the event carries it; null when the source gave none. */
export function interpretationOf(observation: Observation): ObservationInterpretation | null {
  if (!observation.interpretation?.length) return null;
  const code = codeFrom(observation.interpretation[0], V3_OBSERVATION_INTERPRETATION);
  return mapCode(code, INTERPRETATIONS, 'UNKNOWN');
}

function categoryOf(observation: Observation): ObservationCategory {
  for (const concept of observation.category ?? []) {
    for (const coding of concept.coding ?? []) {
      if (coding.code !== undefined && Object.hasOwn(CATEGORIES, coding.code)) return CATEGORIES[coding.code];
    }
  }
  return 'OTHER';
}

/**
 * The one value the event carries. A quantity with a comparator (eGFR >90) is text, since a number would drop the
 * comparator; an observation made of components (blood pressure) carries them as one line of text.
 */
export function valueOf(observation: Observation): ObservationValue {
  const own = singleValue(observation);
  if (own !== NO_VALUE || !observation.component?.length) return own;
  const parts = observation.component.flatMap((component) => {
    const value = componentText(component);
    const name = component.code.coding?.[0]?.display ?? component.code.text;
    return value === null ? [] : [name ? `${name} ${value}` : value];
  });
  return parts.length > 0 ? { ...NO_VALUE, valueString: parts.join('; ') } : NO_VALUE;
}

function singleValue(source: Observation | ObservationComponent): ObservationValue {
  if (source.valueQuantity !== undefined) {
    if (source.valueQuantity.comparator !== undefined) {
      return { ...NO_VALUE, valueString: quantityText(source.valueQuantity) };
    }
    const quantity = eventQuantity(source.valueQuantity);
    return quantity ? { ...NO_VALUE, valueQuantity: quantity } : NO_VALUE;
  }
  if (source.valueCodeableConcept !== undefined) {
    const coded = pickCoding(source.valueCodeableConcept, [SNOMED_CT]);
    if (coded) return { ...NO_VALUE, valueCoded: coded };
    const text = source.valueCodeableConcept.text;
    return text ? { ...NO_VALUE, valueString: text } : NO_VALUE;
  }
  if (source.valueInteger !== undefined) {
    return { ...NO_VALUE, valueQuantity: { value: source.valueInteger, unit: '', ucumCode: null } };
  }
  if (source.valueString !== undefined) return { ...NO_VALUE, valueString: source.valueString };
  if (source.valueBoolean !== undefined) return { ...NO_VALUE, valueString: String(source.valueBoolean) };
  return NO_VALUE;
}

function componentText(component: ObservationComponent): string | null {
  const value = singleValue(component);
  if (value.valueQuantity) return `${value.valueQuantity.value} ${value.valueQuantity.unit}`.trim();
  if (value.valueCoded) return value.valueCoded.display ?? value.valueCoded.code;
  return value.valueString;
}

function quantityText(quantity: Quantity): string {
  return `${quantity.comparator ?? ''}${quantity.value ?? ''} ${quantity.unit ?? quantity.code ?? ''}`.trim();
}
