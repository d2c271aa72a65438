import { NHS_NUMBER_SYSTEM, ODS_ORGANISATION_SYSTEM } from '@crosscare/fhir';
import {
  COLLABORATIVE_CODES,
  type CollaborativeCode,
  ICS_CODES,
  type IcsCode,
  canonicalOdsCode,
  isValidNhsNumber,
  nhsNumberProblem,
  odsCodeProblem,
} from '@crosscare/governance';
import { EVENT_KINDS } from './event-kinds';
import type { SubscriptionIssueCode } from './issues';
import type { FilterParameterCode } from './topics';

/** A subscription's filter: every field given must hold for an event to be notified (the IG's filters AND). */
export interface SubscriptionFilter {
  /** One patient, by NHS number (10 digits). */
  readonly patient?: string;
  /** Every patient registered with this GP practice (ODS code, upper case): the subscriber's own. */
  readonly registeredWith?: string;
  readonly collaborative?: CollaborativeCode;
  readonly ics?: IcsCode;
  /** Encounter topics only: any of these kinds of encounter (event-kinds.ts). */
  readonly eventKinds?: readonly string[];
}

type FilterField = keyof SubscriptionFilter;

export const FIELD_OF: { readonly [P in FilterParameterCode]: FilterField } = {
  patient: 'patient',
  'registered-with': 'registeredWith',
  collaborative: 'collaborative',
  ics: 'ics',
  'event-kind': 'eventKinds',
};

export type ParsedValue =
  | { readonly ok: true; readonly value: SubscriptionFilter[FilterField] }
  | { readonly ok: false; readonly code: SubscriptionIssueCode; readonly diagnostics: string };

const parsed = (value: SubscriptionFilter[FilterField]): ParsedValue => ({ ok: true, value });
const refused = (code: SubscriptionIssueCode, diagnostics: string): ParsedValue => ({
  ok: false,
  code,
  diagnostics,
});

/** One value of a filter parameter, as FHIR search writes it, checked and put in canonical form. */
export function parseFilterValue(parameter: FilterParameterCode, raw: string): ParsedValue {
  const value = raw.trim();
  if (value === '') return refused('value', `${parameter} has no value`);
  if (parameter === 'event-kind') return parseEventKinds(value);
  if (value.includes(',')) {
    return refused('not-supported', `${parameter} takes one value; make one subscription per value instead`);
  }
  switch (parameter) {
    case 'patient':
      return parsePatient(value);
    case 'registered-with':
      return parsePractice(value);
    case 'collaborative':
      return oneOf(parameter, value.toUpperCase(), COLLABORATIVE_CODES);
    case 'ics':
      return oneOf(parameter, value.toUpperCase(), ICS_CODES);
  }
}

/** A token search value: `system|code`, or a bare code when the system is the expected one. */
function tokenCode(value: string, system: string): string | undefined {
  const bar = value.lastIndexOf('|');
  if (bar === -1) return value;
  return value.slice(0, bar) === system ? value.slice(bar + 1) : undefined;
}

function parsePatient(value: string): ParsedValue {
  if (/^(Patient\/|urn:uuid:|https?:\/\/[^|]*\/Patient\/)/.test(value)) {
    return refused(
      'value',
      `name the patient by NHS number (${NHS_NUMBER_SYSTEM}|<10 digits>), not by reference`,
    );
  }
  const nhsNumber = tokenCode(value, NHS_NUMBER_SYSTEM);
  if (nhsNumber === undefined) {
    return refused('value', `patient's identifier system must be ${NHS_NUMBER_SYSTEM}`);
  }
  if (!isValidNhsNumber(nhsNumber)) return refused('value', `patient: ${nhsNumberProblem(nhsNumber)}`);
  return parsed(nhsNumber);
}

function parsePractice(value: string): ParsedValue {
  const code = tokenCode(value, ODS_ORGANISATION_SYSTEM);
  if (code === undefined) {
    return refused('value', `registered-with's identifier system must be ${ODS_ORGANISATION_SYSTEM}`);
  }
  const odsCode = canonicalOdsCode(code);
  const problem = odsCodeProblem(odsCode, 'GP_PRACTICE');
  return problem === undefined ? parsed(odsCode) : refused('value', `registered-with: ${problem}`);
}

function oneOf<C extends string>(parameter: string, value: string, codes: readonly C[]): ParsedValue {
  return (codes as readonly string[]).includes(value)
    ? parsed(value)
    : refused('value', `${parameter} must be one of ${codes.join(', ')}, not "${value}"`);
}

/** A comma-separated list: any of the kinds (FHIR search's OR). */
function parseEventKinds(value: string): ParsedValue {
  const kinds = [...new Set(value.split(',').map((kind) => kind.trim().toLowerCase()))];
  const unknown = kinds.filter((kind) => !EVENT_KINDS.includes(kind));
  if (unknown.length > 0) {
    return refused(
      'value',
      `event-kind "${unknown.join('", "')}" is not one of ${EVENT_KINDS.join(', ')} (comma-separated: any of them)`,
    );
  }
  return parsed(kinds);
}

/** The value as a filter criterion writes it back. */
export function filterValueString(
  parameter: FilterParameterCode,
  filter: SubscriptionFilter,
): string | undefined {
  switch (parameter) {
    case 'patient':
      return filter.patient === undefined ? undefined : `${NHS_NUMBER_SYSTEM}|${filter.patient}`;
    case 'event-kind':
      return filter.eventKinds === undefined ? undefined : filter.eventKinds.join(',');
    default:
      return filter[FIELD_OF[parameter]] as string | undefined;
  }
}
