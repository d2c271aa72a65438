import type { EndOfLifePreferencesRecorded } from '@crosscare/events';
import type { CarePlan, Extension } from '@medplum/fhirtypes';
import { ADVANCE_CARE_PLAN_CATEGORY, SNOMED_CT } from '../../fhir-systems';
import {
  DNACPR_DECISION_CODES,
  END_OF_LIFE_EXTENSIONS,
  LASTING_POWER_OF_ATTORNEY_CODES,
  PREFERRED_PLACE_OF_DEATH_CODES,
} from '../../resources/end-of-life-preferences';
import { fhirCodeOf, fhirDate, fhirInstant, patientReference } from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';

/**
 * EndOfLifePreferencesRecorded → the advance care plan the forward mapper reads: a CarePlan in category SNOMED CT
 * 736366004 carrying Crosscare's end of life extensions, with the codes of the same tables. What the patient has not
 * expressed (no preferred place, an unknown decision) is left out, as the forward mapper reads an absent extension.
 */
export function renderAdvanceCarePlan(
  preferences: EndOfLifePreferencesRecorded,
  context: RenderContext,
): CarePlan {
  const extensions: Extension[] = [
    codeExtension(
      END_OF_LIFE_EXTENSIONS.preferredPlaceOfDeath,
      PREFERRED_PLACE_OF_DEATH_CODES,
      preferences.preferredPlaceOfDeath,
    ),
    codeExtension(END_OF_LIFE_EXTENSIONS.dnacprDecision, DNACPR_DECISION_CODES, preferences.dnacprDecision),
    dateExtension(END_OF_LIFE_EXTENSIONS.dnacprDecisionDate, preferences.dnacprDecisionDate),
    { url: END_OF_LIFE_EXTENSIONS.respectFormInPlace, valueBoolean: preferences.respectFormInPlace },
    codeExtension(
      END_OF_LIFE_EXTENSIONS.lastingPowerOfAttorney,
      LASTING_POWER_OF_ATTORNEY_CODES,
      preferences.lastingPowerOfAttorney,
    ),
    dateExtension(END_OF_LIFE_EXTENSIONS.reviewDate, preferences.reviewDate),
  ].filter((extension): extension is Extension => extension !== null);
  return {
    resourceType: 'CarePlan',
    ...itemFrame(preferences.header, 'EndOfLifePreferencesRecorded'),
    extension: extensions,
    status: 'active',
    intent: 'plan',
    category: [
      { coding: [{ system: SNOMED_CT, code: ADVANCE_CARE_PLAN_CATEGORY, display: 'Advance care plan' }] },
    ],
    title: 'Advance care plan',
    subject: patientReference(context.nhsNumber),
    created: fhirInstant(preferences.header.occurredAt),
  };
}

function codeExtension<T extends string>(
  url: string,
  codes: Readonly<Record<string, T>>,
  symbol: T | null,
): Extension | null {
  const code = symbol === null ? undefined : fhirCodeOf(codes, symbol);
  return code === undefined ? null : { url, valueCode: code };
}

function dateExtension(url: string, days: number | null): Extension | null {
  return days === null ? null : { url, valueDate: fhirDate(days) };
}
