import type { CodedValue, Quantity as EventQuantity } from '@crosscare/events';
import type { CodeableConcept, Coding, Identifier, Quantity, Reference } from '@medplum/fhirtypes';
import { UCUM } from '../fhir-systems';
import type { IssueLog } from '../validation/issue-log';

type CompleteCoding = Coding & { system: string; code: string };

const isComplete = (coding: Coding): coding is CompleteCoding => !!coding.system && !!coding.code;

export const codedValue = (coding: CompleteCoding): CodedValue => ({
  system: coding.system,
  code: coding.code,
  display: coding.display ?? null,
});

/**
 * The coding to carry, preferring `preferred` systems in their order and then any complete coding, so a concept sent
 * with both a local code and SNOMED CT travels as SNOMED CT.
 */
export function pickCoding(
  concept: CodeableConcept | undefined,
  preferred: readonly string[] = [],
): CodedValue | null {
  const complete = (concept?.coding ?? []).filter(isComplete);
  for (const system of preferred) {
    const match = complete.find((coding) => coding.system === system);
    if (match) return codedValue(match);
  }
  return complete[0] ? codedValue(complete[0]) : null;
}

export function firstCoding(
  concepts: readonly CodeableConcept[] | undefined,
  preferred: readonly string[] = [],
) {
  for (const concept of concepts ?? []) {
    const coding = pickCoding(concept, preferred);
    if (coding) return coding;
  }
  return null;
}

export interface RequiredCoding {
  /** Systems a coding must come from; any system when omitted. */
  readonly accepted?: readonly string[];
  /** Systems to prefer among acceptable codings; defaults to `accepted`. */
  readonly preferred?: readonly string[];
}

/**
 * The coded element an event cannot do without. No coding at all is `required`; codings only from systems
 * Crosscare cannot share (e.g. a local drug code) are `code-invalid`, naming the systems that would do.
 */
export function requiredCoding(
  concept: CodeableConcept | undefined,
  location: string,
  issues: IssueLog,
  rule: RequiredCoding = {},
): CodedValue | null {
  const complete = (concept?.coding ?? []).filter(isComplete);
  if (complete.length === 0) {
    issues.required(location, `${location} needs a coding with system and code`);
    return null;
  }
  const { accepted } = rule;
  const usable = accepted ? complete.filter((coding) => accepted.includes(coding.system)) : complete;
  if (usable.length === 0) {
    issues.add('code-invalid', location, `${location} needs a coding from ${(accepted ?? []).join(' or ')}`);
    return null;
  }
  return pickCoding({ coding: usable }, rule.preferred ?? accepted ?? []);
}

/** The code of the first coding from `system`, e.g. a status code system; undefined when none. */
export function codeFrom(concept: CodeableConcept | undefined, system?: string): string | undefined {
  return concept?.coding?.find(
    (coding) => !!coding.code && (system === undefined || coding.system === system),
  )?.code;
}

export function identifierValue(identifiers: Identifier | readonly Identifier[] | undefined, system: string) {
  const list: readonly Identifier[] =
    identifiers === undefined ? [] : Array.isArray(identifiers) ? identifiers : [identifiers];
  const value = list.find((identifier) => identifier.system === system && !!identifier.value)?.value;
  return value?.trim() ?? null;
}

/** ODS code of a referenced organisation, when the reference carries it as a logical identifier. */
export function odsCodeOf(references: readonly (Reference | undefined)[], system: string): string | null {
  for (const reference of references) {
    const code = identifierValue(reference?.identifier, system);
    if (code) return code.toUpperCase();
  }
  return null;
}

/** A quantity the event can carry; null without a numeric value. UCUM code only when the unit is UCUM. */
export function eventQuantity(quantity: Quantity | undefined): EventQuantity | null {
  if (quantity?.value === undefined) return null;
  const ucumCode = quantity.system === UCUM && quantity.code ? quantity.code : null;
  return { value: quantity.value, unit: quantity.unit ?? quantity.code ?? '', ucumCode };
}

/** Looks a code up in a mapping table; unknown and absent codes fall back, so a new FHIR code never breaks a feed. */
export function mapCode<T extends string>(
  code: string | undefined,
  table: Readonly<Record<string, T>>,
  fallback: NoInfer<T>,
): T {
  return code !== undefined && Object.hasOwn(table, code) ? table[code] : fallback;
}
