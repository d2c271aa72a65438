import type {
  DnacprDecision,
  EndOfLifePreferencesRecorded,
  LastingPowerOfAttorney,
  PreferredPlaceOfDeath,
} from '@crosscare/events';
import type { CarePlan, Extension } from '@medplum/fhirtypes';
import { dateOf } from '../mapping/fhir-time';
import type { IssueLog } from '../validation/issue-log';

const STRUCTURE_DEFINITIONS = 'https://fhir.crosscare.nhs.uk/StructureDefinition';

/**
 * FHIR R4 has no resource for end of life preferences, so Crosscare reads them from extensions on an advance care
 * plan (a CarePlan in category SNOMED CT 736366004). Each extension holds one value.
 */
export const END_OF_LIFE_EXTENSIONS = {
  /** valueCode: home | care-home | hospice | hospital | other */
  preferredPlaceOfDeath: `${STRUCTURE_DEFINITIONS}/Extension-PreferredPlaceOfDeath`,
  /** valueCode: do-not-attempt-cpr | attempt-cpr | no-decision */
  dnacprDecision: `${STRUCTURE_DEFINITIONS}/Extension-DNACPRDecision`,
  /** valueDate: when the CPR decision was made */
  dnacprDecisionDate: `${STRUCTURE_DEFINITIONS}/Extension-DNACPRDecisionDate`,
  /** valueBoolean: a ReSPECT form is in place */
  respectFormInPlace: `${STRUCTURE_DEFINITIONS}/Extension-ReSPECTFormInPlace`,
  /** valueCode: none | health-and-welfare | property-and-financial-affairs | both */
  lastingPowerOfAttorney: `${STRUCTURE_DEFINITIONS}/Extension-LastingPowerOfAttorney`,
  /** valueDate: when the preferences are next due for review */
  reviewDate: `${STRUCTURE_DEFINITIONS}/Extension-EndOfLifeReviewDate`,
} as const;

export const PREFERRED_PLACE_OF_DEATH_CODES: Record<string, PreferredPlaceOfDeath> = {
  home: 'HOME',
  'care-home': 'CARE_HOME',
  hospice: 'HOSPICE',
  hospital: 'HOSPITAL',
  other: 'OTHER',
};
export const DNACPR_DECISION_CODES: Record<string, DnacprDecision> = {
  'do-not-attempt-cpr': 'DO_NOT_ATTEMPT_CPR',
  'attempt-cpr': 'ATTEMPT_CPR',
  'no-decision': 'NO_DECISION',
};
export const LASTING_POWER_OF_ATTORNEY_CODES: Record<string, LastingPowerOfAttorney> = {
  none: 'NONE',
  'health-and-welfare': 'HEALTH_AND_WELFARE',
  'property-and-financial-affairs': 'PROPERTY_AND_FINANCIAL_AFFAIRS',
  both: 'BOTH',
};

type Preferences = Omit<EndOfLifePreferencesRecorded, 'header'>;

/**
 * The complete current preferences on an advance care plan. An absent extension means the plan does not say:
 * no preferred place, CPR decision and attorney UNKNOWN, no ReSPECT form, no review date. Codes are Crosscare's own,
 * so an unknown one is the sender's mistake and is reported rather than guessed.
 */
export function endOfLifePreferences(plan: CarePlan, at: string, issues: IssueLog): Preferences {
  const read = extensionReader(plan.extension ?? [], at, issues);
  const preferredPlaceOfDeath = read.code(
    END_OF_LIFE_EXTENSIONS.preferredPlaceOfDeath,
    PREFERRED_PLACE_OF_DEATH_CODES,
  );
  const decision = read.code(END_OF_LIFE_EXTENSIONS.dnacprDecision, DNACPR_DECISION_CODES) ?? 'UNKNOWN';
  const decisionDate = read.date(END_OF_LIFE_EXTENSIONS.dnacprDecisionDate);
  return {
    preferredPlaceOfDeath,
    dnacprDecision: decision,
    dnacprDecisionDate: decision === 'DO_NOT_ATTEMPT_CPR' || decision === 'ATTEMPT_CPR' ? decisionDate : null,
    respectFormInPlace: read.boolean(END_OF_LIFE_EXTENSIONS.respectFormInPlace) ?? false,
    lastingPowerOfAttorney:
      read.code(END_OF_LIFE_EXTENSIONS.lastingPowerOfAttorney, LASTING_POWER_OF_ATTORNEY_CODES) ?? 'UNKNOWN',
    reviewDate: read.date(END_OF_LIFE_EXTENSIONS.reviewDate),
  };
}

function extensionReader(extensions: readonly Extension[], at: string, issues: IssueLog) {
  const find = (url: string) => {
    const index = extensions.findIndex((extension) => extension.url === url);
    return index < 0 ? null : { extension: extensions[index], location: `${at}.extension[${index}]` };
  };
  const wrongType = (location: string, url: string, type: string) =>
    issues.invalid(location, `${location} (${url}) needs ${type}`);
  return {
    code<T extends string>(url: string, codes: Record<string, T>): T | null {
      const found = find(url);
      if (found === null) return null;
      const { valueCode } = found.extension;
      if (valueCode === undefined) {
        wrongType(found.location, url, 'valueCode');
        return null;
      }
      if (!Object.hasOwn(codes, valueCode)) {
        issues.add(
          'code-invalid',
          `${found.location}.valueCode`,
          `${found.location}.valueCode '${valueCode}' is not one of ${Object.keys(codes).join(', ')}`,
        );
        return null;
      }
      return codes[valueCode];
    },
    date(url: string): number | null {
      const found = find(url);
      if (found === null) return null;
      const value = found.extension.valueDate ?? found.extension.valueDateTime;
      if (value === undefined) {
        wrongType(found.location, url, 'valueDate');
        return null;
      }
      return dateOf(value, `${found.location}.valueDate`, issues);
    },
    boolean(url: string): boolean | null {
      const found = find(url);
      if (found === null) return null;
      if (found.extension.valueBoolean === undefined) wrongType(found.location, url, 'valueBoolean');
      return found.extension.valueBoolean ?? null;
    },
  };
}
