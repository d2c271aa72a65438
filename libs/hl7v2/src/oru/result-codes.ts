import type {
  CodedValue,
  DiagnosticReportCategory,
  DiagnosticReportStatus,
  DiagnosticResultStatus,
  ObservationInterpretation,
} from '@crosscare/events';
import type { Er7Repetition } from '../er7/segment-reader';

const LOINC = 'http://loinc.org';
const SNOMED_CT = 'http://snomed.info/sct';

/** CE/CWE coding system names (HL7 table 0396) pathology and radiology systems send, to the CodedValue system. */
const CODING_SYSTEMS: Record<string, string> = {
  LN: LOINC,
  LOINC: LOINC,
  SCT: SNOMED_CT,
  SNM: SNOMED_CT,
  SNOMED: SNOMED_CT,
  SNOMEDCT: SNOMED_CT,
  'SNOMED-CT': SNOMED_CT,
};

/**
 * The laboratory's own codes, under a system the sending organisation owns: UK pathology systems still send local
 * test codes for much of their catalogue, and a report must not be refused for it.
 */
export const localCodeSystem = (sendingFacility: string): string =>
  `https://fhir.crosscare.nhs.uk/CodeSystem/local/${sendingFacility.toUpperCase()}`;

/**
 * A CE/CWE as a CodedValue: the identifier triplet if it names LOINC or SNOMED CT, else the alternate triplet
 * (components 4-6) if that does, else the first as the sender's local code. Null without any code.
 */
export function codedValueOf(
  repetition: Er7Repetition | undefined,
  sendingFacility: string,
): CodedValue | null {
  if (repetition === undefined) return null;
  const triplets = [
    [repetition.text(1), repetition.text(2), repetition.text(3)],
    [repetition.text(4), repetition.text(5), repetition.text(6)],
  ] as const;
  for (const [code, display, system] of triplets) {
    const known = CODING_SYSTEMS[system.toUpperCase()];
    if (code && known) return { system: known, code, display: display || null };
  }
  const [code, display] = triplets[0];
  return code ? { system: localCodeSystem(sendingFacility), code, display: display || null } : null;
}

/** OBR-25 result status (HL7 table 0123). */
const REPORT_STATUSES: Record<string, DiagnosticReportStatus> = {
  O: 'REGISTERED',
  I: 'REGISTERED',
  S: 'REGISTERED',
  A: 'PARTIAL',
  P: 'PRELIMINARY',
  R: 'PRELIMINARY',
  F: 'FINAL',
  C: 'CORRECTED',
  X: 'CANCELLED',
};

export const reportStatusOf = (code: string): DiagnosticReportStatus => REPORT_STATUSES[code] ?? 'UNKNOWN';

/** OBX-11 observation result status (HL7 table 0085); D, W and N results are not results and are left out. */
const RESULT_STATUSES: Record<string, DiagnosticResultStatus | null> = {
  F: 'FINAL',
  U: 'FINAL',
  P: 'PRELIMINARY',
  R: 'PRELIMINARY',
  S: 'PRELIMINARY',
  I: 'REGISTERED',
  O: 'REGISTERED',
  C: 'CORRECTED',
  X: 'CANCELLED',
  D: null,
  W: null,
  N: null,
};

export function resultStatusOf(code: string): DiagnosticResultStatus | null {
  return Object.hasOwn(RESULT_STATUSES, code) ? RESULT_STATUSES[code] : 'UNKNOWN';
}

/** OBX-8 abnormal flags (HL7 table 0078). */
const FLAGS: Record<string, ObservationInterpretation> = {
  N: 'NORMAL',
  L: 'LOW',
  H: 'HIGH',
  LL: 'CRITICALLY_LOW',
  HH: 'CRITICALLY_HIGH',
  '<': 'LOW',
  '>': 'HIGH',
  A: 'ABNORMAL',
  AA: 'ABNORMAL',
};

export const interpretationOf = (flag: string): ObservationInterpretation | null =>
  flag === '' ? null : (FLAGS[flag.toUpperCase()] ?? 'UNKNOWN');

/** OBR-24 diagnostic service section (HL7 table 0074), as pathology or imaging. */
const PATHOLOGY_SECTIONS = [
  'LAB',
  'PAT',
  'HM',
  'CH',
  'MB',
  'MCB',
  'IMM',
  'SP',
  'CP',
  'BLB',
  'SR',
  'TX',
  'VR',
  'HLA',
  'CG',
  'GE',
];
const IMAGING_SECTIONS = ['RAD', 'CT', 'MR', 'RUS', 'NMR', 'NMS', 'VUS', 'RX', 'XRC', 'CUS', 'OUS'];

export function categoryOf(section: string): DiagnosticReportCategory {
  const code = section.toUpperCase();
  if (PATHOLOGY_SECTIONS.includes(code)) return 'PATHOLOGY';
  if (IMAGING_SECTIONS.includes(code)) return 'IMAGING';
  return 'OTHER';
}
