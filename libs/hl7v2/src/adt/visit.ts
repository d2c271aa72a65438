import type { CodedValue, EncounterClass, EncounterOutcome } from '@crosscare/events';
import type { Hl7Message } from '@medplum/core';
import { SegmentReader } from '../er7/segment-reader';
import { parseHl7Instant } from '../time/hl7-timestamp';
import { codeIssue, requiredIssue, valueIssue, type IssueList } from './issues';
import {
  diagnosisCodeSystem,
  dischargeDestination,
  encounterOutcome,
  sourceOfAdmission,
  treatmentFunction,
} from './nhs-code-systems';
import { normaliseOdsCode } from './ods-code';

/**
 * PV1-2 patient class (HL7 table 0004 plus the UK PAS day-case codes) to the encounter class. B and R are the
 * codes UK PAS use for day cases and regular day/night attenders, which the NHS counts as admitted day care.
 */
const ENCOUNTER_CLASSES: Record<string, EncounterClass> = {
  I: 'INPATIENT',
  E: 'EMERGENCY',
  O: 'OUTPATIENT',
  D: 'DAY_CASE',
  B: 'DAY_CASE',
  R: 'DAY_CASE',
  P: 'OTHER', // preadmit
  C: 'OTHER', // commercial account
  N: 'OTHER', // not applicable
  U: 'OTHER', // unknown
};

/** Which PV1 fields the trigger event needs; the rest are read when present. */
export interface VisitNeeds {
  readonly encounterClass?: boolean;
  readonly admittedAt?: boolean;
  readonly dischargedAt?: boolean;
  /** PV1-3.4 ODS site code: required, read and validated if sent, or (when absent) not read at all. */
  readonly location?: 'required' | 'if-sent';
}

/** A PV1 visit as the encounter events carry it. */
export interface Visit {
  /** sourceRecordId of the encounter: `Encounter/<PV1-19>`, shared by its start, transfers, end and removal. */
  readonly recordId: string;
  readonly encounterClass: EncounterClass | null;
  readonly admittedAt: number | null;
  readonly dischargedAt: number | null;
  readonly locationOdsCode: string | null;
  readonly admissionSource: CodedValue | null;
  readonly specialty: CodedValue | null;
  readonly outcome: EncounterOutcome;
  readonly dischargeDestination: CodedValue | null;
}

/** Reads PV1; every problem with a field the event uses goes into `issues`. */
export function readVisit(pv1: SegmentReader | null, needs: VisitNeeds, issues: IssueList): Visit | null {
  if (!pv1) {
    issues.push(requiredIssue('PV1', 'the PV1 (patient visit) segment is required for this trigger event'));
    return null;
  }
  const problemsBefore = issues.length;

  const visitNumber = pv1.text(19);
  if (!visitNumber) {
    issues.push(requiredIssue('PV1-19', 'PV1-19 (visit number) is required: it identifies the encounter'));
  }

  const encounterClass = needs.encounterClass ? readEncounterClass(pv1, issues) : null;
  const admittedAt = readInstant(pv1, 44, 'admit date/time', needs.admittedAt === true, issues);
  const dischargedAt = readInstant(pv1, 45, 'discharge date/time', needs.dischargedAt === true, issues);
  const locationOdsCode = needs.location ? readLocation(pv1, needs.location === 'required', issues) : null;

  if (issues.length > problemsBefore) return null;
  const destination = pv1.text(37);
  return {
    recordId: `Encounter/${visitNumber}`,
    encounterClass,
    admittedAt,
    dischargedAt,
    locationOdsCode,
    admissionSource: sourceOfAdmission(pv1.text(14)),
    specialty: treatmentFunction(pv1.text(10)),
    outcome: encounterOutcome(pv1.text(36), destination),
    dischargeDestination: dischargeDestination(destination),
  };
}

/** Diagnoses coded for the visit (DG1-3), primary (DG1-15 priority 1) first; codes of unknown systems are left out. */
export function readDiagnoses(message: Hl7Message): CodedValue[] {
  return SegmentReader.all(message, 'DG1')
    .map((dg1) => ({
      priority: Number(dg1.text(15)) || Number.MAX_SAFE_INTEGER,
      system: diagnosisCodeSystem(dg1.text(3, 3) || dg1.text(2)),
      code: dg1.text(3, 1),
      display: dg1.text(3, 2) || dg1.text(4) || null,
    }))
    .filter((diagnosis) => diagnosis.system !== null && diagnosis.code !== '')
    .sort((a, b) => a.priority - b.priority)
    .map(({ system, code, display }) => ({ system: system ?? '', code, display }));
}

function readEncounterClass(pv1: SegmentReader, issues: IssueList): EncounterClass | null {
  const code = pv1.text(2).toUpperCase();
  if (!code) {
    issues.push(
      requiredIssue(
        'PV1-2',
        'PV1-2 (patient class) is required, e.g. I inpatient, E emergency, O outpatient',
      ),
    );
    return null;
  }
  const encounterClass = ENCOUNTER_CLASSES[code];
  if (!encounterClass) {
    issues.push(
      codeIssue(
        'PV1-2',
        `PV1-2 "${code}" is not a patient class Crosscare knows (${Object.keys(ENCOUNTER_CLASSES).join(', ')})`,
      ),
    );
  }
  return encounterClass ?? null;
}

function readInstant(
  pv1: SegmentReader,
  field: number,
  what: string,
  needed: boolean,
  issues: IssueList,
): number | null {
  const text = pv1.text(field);
  if (!text) {
    if (needed) {
      issues.push(requiredIssue(`PV1-${field}`, `PV1-${field} (${what}) is required for this trigger event`));
    }
    return null;
  }
  const instant = parseHl7Instant(text);
  if (instant === null && needed) {
    issues.push(
      valueIssue(`PV1-${field}`, `PV1-${field} "${text}" is not an HL7 date/time (YYYYMMDD[HHMM[SS]])`),
    );
  }
  return needed ? instant : null;
}

/** PV1-3.4 (PL facility, HD namespace id) carries the ODS site code, e.g. WARD 4^BAY 2^BED 1^RRK02. */
function readLocation(pv1: SegmentReader, needed: boolean, issues: IssueList): string | null {
  const facility = pv1.repetitions(3)[0]?.subcomponent(4, 1) ?? '';
  if (!facility) {
    if (needed) {
      issues.push(
        requiredIssue('PV1-3', 'PV1-3.4 (facility) must give the ODS site code of the new location'),
      );
    }
    return null;
  }
  const code = normaliseOdsCode(facility);
  if (!code) issues.push(valueIssue('PV1-3', `PV1-3.4 "${facility}" is not an ODS site code (e.g. RRK02)`));
  return code;
}
