import type { Address, AdministrativeGender, ContactPoint, HumanName } from '@crosscare/events';
import type { Er7Repetition, SegmentReader } from '../er7/segment-reader';
import { parseHl7Timestamp, hl7TimestampToEpochDay } from '../time/hl7-timestamp';
import { codeIssue, requiredIssue, valueIssue, type IssueList } from './issues';
import { normaliseOdsCode } from './ods-code';

/** A patient's demographics as PatientRegistered and PatientDetailsChanged carry them. */
export interface PatientDetails {
  readonly name: HumanName;
  readonly birthDate: number;
  readonly gender: AdministrativeGender;
  readonly address: Address | null;
  readonly telecom: ContactPoint[];
  readonly registeredGpPracticeOdsCode: string | null;
}

/** HL7 table 0001 (administrative sex) to FHIR administrative gender. */
const GENDERS: Record<string, AdministrativeGender> = {
  M: 'MALE',
  F: 'FEMALE',
  O: 'OTHER',
  A: 'OTHER', // ambiguous
  U: 'UNKNOWN',
  N: 'UNKNOWN', // not applicable
};

/**
 * NHS pseudo practice codes that say there is no practice to name: V81997 no registered practice, V81998 not
 * applicable, V81999 not known.
 */
const NO_PRACTICE_CODES = ['V81997', 'V81998', 'V81999'];

const UK_POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$/;

/** Reads PID-5, -7, -8, -11, -13 and PD1-3; every problem is added to `issues`. */
export function readPatientDetails(
  pid: SegmentReader,
  pd1: SegmentReader | null,
  issues: IssueList,
): PatientDetails | null {
  const name = readName(pid, issues);
  const birthDate = readBirthDate(pid, issues);
  const gender = readGender(pid, issues);
  const registeredGpPracticeOdsCode = pd1 ? readGpPractice(pd1, issues) : null;
  if (!name || birthDate === null || !gender || registeredGpPracticeOdsCode === undefined) return null;
  return {
    name,
    birthDate,
    gender,
    address: readAddress(pid),
    telecom: pid.repetitions(13).flatMap((repetition) => contactPoint(repetition) ?? []),
    registeredGpPracticeOdsCode,
  };
}

/** PID-5: the legal name (XPN-7 L) if sent, else the first. */
function readName(pid: SegmentReader, issues: IssueList): HumanName | null {
  const names = pid.repetitions(5);
  const chosen = names.find((name) => name.text(7).toUpperCase() === 'L') ?? names[0];
  const family = chosen?.subcomponent(1, 1) ?? '';
  if (!chosen || !family) {
    issues.push(requiredIssue('PID-5', 'PID-5 (patient name) needs a family name in PID-5.1'));
    return null;
  }
  const given = [chosen.text(2), ...chosen.text(3).split(/\s+/)].filter((part) => part !== '');
  return { prefix: chosen.text(5) || null, given, family };
}

function readBirthDate(pid: SegmentReader, issues: IssueList): number | null {
  const text = pid.text(7);
  if (!text) {
    issues.push(requiredIssue('PID-7', 'PID-7 (date of birth) is required'));
    return null;
  }
  const timestamp = parseHl7Timestamp(text);
  if (!timestamp) {
    issues.push(valueIssue('PID-7', `PID-7 "${text}" is not a date (YYYYMMDD)`));
    return null;
  }
  return hl7TimestampToEpochDay(timestamp);
}

function readGender(pid: SegmentReader, issues: IssueList): AdministrativeGender | null {
  const code = pid.text(8).toUpperCase();
  if (!code) {
    issues.push(requiredIssue('PID-8', 'PID-8 (administrative sex) is required'));
    return null;
  }
  const gender = GENDERS[code];
  if (!gender) {
    issues.push(codeIssue('PID-8', `PID-8 "${code}" is not an HL7 table 0001 code (M, F, O, U, A, N)`));
  }
  return gender ?? null;
}

/** PD1-3 (XON): the ODS code is XON-10 from v2.5, XON-3 before (`PRACTICE NAME^^M85001`). Undefined when invalid. */
function readGpPractice(pd1: SegmentReader, issues: IssueList): string | null | undefined {
  const text = pd1.text(3, 10) || pd1.text(3, 3);
  if (!text) return null;
  const code = normaliseOdsCode(text);
  if (!code) {
    issues.push(valueIssue('PD1-3', `PD1-3 "${text}" is not a GP practice ODS code (e.g. ^^M85001)`));
    return undefined;
  }
  return NO_PRACTICE_CODES.includes(code) ? null : code;
}

/** PID-11 (XAD): the home address (XAD-7 H) if sent, else the first; street^other^city^county^postcode. */
function readAddress(pid: SegmentReader): Address | null {
  const addresses = pid.repetitions(11);
  const chosen = addresses.find((address) => address.text(7).toUpperCase() === 'H') ?? addresses[0];
  if (!chosen) return null;
  const lines = [chosen.subcomponent(1, 1), chosen.text(2)].filter((line) => line !== '');
  const city = chosen.text(3) || null;
  const district = chosen.text(4) || null;
  const postcode = normalisePostcode(chosen.text(5));
  if (lines.length === 0 && !city && !district && !postcode) return null;
  return { lines, city, district, postcode };
}

/** Upper case with the single space before the inward code; a non-UK postcode is kept as sent, in upper case. */
function normalisePostcode(text: string): string | null {
  if (!text) return null;
  const upper = text.toUpperCase().replace(/\s+/g, ' ').trim();
  const match = UK_POSTCODE.exec(upper);
  return match ? `${match[1]} ${match[2]}` : upper;
}

/**
 * PID-13 (XTN): XTN-2 use, XTN-3 equipment (PH, CP, FX, Internet...), XTN-4 email, XTN-1 or XTN-12 the number as
 * text, else XTN-6/7 area and local number.
 */
function contactPoint(repetition: Er7Repetition): ContactPoint | null {
  const use = repetition.text(2).toUpperCase();
  const equipment = repetition.text(3).toUpperCase();
  const email = repetition.text(4);
  if (email || use === 'NET' || equipment === 'INTERNET' || equipment === 'X.400') {
    const value = email || repetition.text(1);
    return value ? { system: 'EMAIL', value } : null;
  }
  const value = repetition.text(1) || repetition.text(12) || `${repetition.text(6)}${repetition.text(7)}`;
  if (!value) return null;
  const system = equipment === 'CP' ? 'MOBILE' : equipment === 'PH' || equipment === '' ? 'PHONE' : 'OTHER';
  return { system, value };
}
