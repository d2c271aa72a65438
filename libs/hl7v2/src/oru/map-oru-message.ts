import {
  mapped,
  rejected,
  type AnyRecordChangeDraft,
  type DiagnosticResult,
  type MappingResult,
  type RecordChangeDraft,
} from '@crosscare/events';
import { parseEr7 } from '../er7/parse-er7';
import { SegmentReader } from '../er7/segment-reader';
import { requiredIssue, unsupportedIssue, valueIssue, type IssueList } from '../adt/issues';
import { readMessageControl, type MessageControl, type MessageControlOptions } from '../adt/message-control';
import { readPatientIdentifiers, type PatientIdentifiers } from '../adt/patient-identifiers';
import { parseHl7Instant } from '../time/hl7-timestamp';
import { categoryOf, codedValueOf, interpretationOf, reportStatusOf, resultStatusOf } from './result-codes';

/** A valid ORU^R01: its control fields (for the ACK and authentication) and one report per OBR. */
export interface OruMapping {
  readonly control: MessageControl;
  readonly drafts: AnyRecordChangeDraft[];
}

/** An OBR and the OBX and NTE segments that follow it, with its position among the message's OBRs (1-based). */
interface ReportGroup {
  readonly n: number;
  readonly obr: SegmentReader;
  readonly obx: SegmentReader[];
  readonly nte: SegmentReader[];
}

/** OBX-2 value types whose lines are the report's narrative (a radiology report, a comment), not a result. */
const TEXT_TYPES = ['TX', 'FT'];
const CODED_TYPES = ['CE', 'CWE', 'CNE'];

/**
 * Maps one HL7 v2 ORU^R01 (ER7 text) to a DiagnosticReportIssued per OBR, or to every problem found in it. The
 * report's record is the laboratory's accession number (OBR-3, else the placer's OBR-2): an amended report (OBR-25 C)
 * or a cancelled one (X) is the same record at a later version, the later of MSH-7 and OBR-22, so a re-sent message
 * is a duplicate and a later status wins whatever order messages arrive in. Text results (TX, FT) and NTE comments
 * are the report's narrative (its conclusion); every other OBX is a result with its unit (OBX-6), range (OBX-7),
 * abnormal flag (OBX-8) and status (OBX-11). Results deleted or withdrawn (OBX-11 D, W) are left out.
 */
export function mapOruMessage(er7: string, options: MessageControlOptions = {}): MappingResult<OruMapping> {
  const parsed = parseEr7(er7);
  if (!parsed.ok) return parsed;
  const message = parsed.value;
  const control = readMessageControl(message, options);
  if (!control.ok) return control;
  if (control.value.messageType !== 'ORU') {
    return rejected(unsupportedIssue('MSH-9', `${control.value.messageType} is not an ORU message`));
  }

  const issues: IssueList = [];
  const pid = SegmentReader.first(message, 'PID');
  if (!pid) return rejected(requiredIssue('PID', 'the PID (patient identification) segment is required'));
  const patient = readPatientIdentifiers(pid, 3, 'PID-3', issues);
  const groups = reportGroups(SegmentReader.inOrder(message));
  if (groups.length === 0) {
    issues.push(requiredIssue('OBR', 'an ORU^R01 needs at least one OBR (observation request) segment'));
  }
  const drafts = groups.map((group) => readReport(group, control.value, patient, issues));
  const ids = drafts.map((draft) => draft?.source.sourceRecordId);
  ids.forEach((id, i) => {
    if (id !== undefined && ids.indexOf(id) < i) {
      issues.push(
        valueIssue(`OBR[${i + 1}]-3`, `OBR[${i + 1}] reports ${id} again: one OBR per accession number`),
      );
    }
  });
  if (issues.length > 0 || !patient) return rejected(...issues);
  return mapped({ control: control.value, drafts: drafts.filter((draft) => draft !== null) });
}

function reportGroups(segments: ReturnType<typeof SegmentReader.inOrder>): ReportGroup[] {
  const groups: ReportGroup[] = [];
  for (const { name, reader } of segments) {
    if (name === 'OBR') groups.push({ n: groups.length + 1, obr: reader, obx: [], nte: [] });
    const current = groups.at(-1);
    if (current === undefined) continue;
    if (name === 'OBX') current.obx.push(reader);
    if (name === 'NTE') current.nte.push(reader);
  }
  return groups;
}

function readReport(
  { n, obr, obx, nte }: ReportGroup,
  control: MessageControl,
  patient: PatientIdentifiers | null,
  issues: IssueList,
): RecordChangeDraft<'DiagnosticReportIssued'> | null {
  const at = `OBR[${n}]`;
  const facility = control.sendingFacility;
  const accession = obr.text(3) || obr.text(2);
  if (!accession) {
    issues.push(
      requiredIssue(`${at}-3`, `${at}-3 (filler order number, the accession number) or ${at}-2 is required`),
    );
  }
  const code = codedValueOf(obr.repetitions(4)[0], facility);
  if (code === null)
    issues.push(requiredIssue(`${at}-4`, `${at}-4 (universal service identifier) is required`));
  const issuedAt = instant(obr, 22, `${at}-22`, issues);
  const effectiveAt = instant(obr, 7, `${at}-7`, issues) ?? instant(obr, 14, `${at}-14`, issues) ?? issuedAt;
  const results = obx.flatMap((segment, i) => readResult(segment, `OBX[${n}.${i + 1}]`, facility, issues));
  const narrative = [
    ...obx.filter((segment) => TEXT_TYPES.includes(segment.text(2).toUpperCase())).flatMap(textLines),
    ...nte.flatMap((segment) => segment.repetitions(3).map((line) => line.text(1))),
  ].filter((line) => line !== '');
  if (!patient || !accession || code === null) return null;
  const status = reportStatusOf(obr.text(25).toUpperCase());
  return {
    type: 'DiagnosticReportIssued',
    source: {
      nhsNumber: patient.nhsNumber,
      sourceRecordId: `DiagnosticReport/${accession}`,
      sourceRecordVersion: Math.max(control.sentAt, issuedAt ?? 0),
      operation: status === 'CORRECTED' || status === 'CANCELLED' ? 'UPDATE' : 'CREATE',
      occurredAt: effectiveAt ?? control.sentAt,
    },
    body: {
      code,
      category: categoryOf(obr.text(24)),
      status,
      effectiveAt: effectiveAt ?? control.sentAt,
      issuedAt,
      performerOdsCode: null,
      conclusion: narrative.length > 0 ? narrative.join('\n') : null,
      conclusionCodes: [],
      results,
    },
  };
}

function readResult(obx: SegmentReader, at: string, facility: string, issues: IssueList): DiagnosticResult[] {
  const type = obx.text(2).toUpperCase();
  if (TEXT_TYPES.includes(type)) return [];
  const status = resultStatusOf(obx.text(11).toUpperCase());
  if (status === null) return [];
  const code = codedValueOf(obx.repetitions(3)[0], facility);
  if (code === null) {
    issues.push(requiredIssue(`${at}-3`, `${at}-3 (observation identifier) is required`));
    return [];
  }
  const value = readValue(obx, type, at, facility, issues);
  if (value === null) return [];
  return [
    {
      code,
      status,
      ...value,
      referenceRange: obx.text(7) || null,
      interpretation: interpretationOf(obx.text(8)),
    },
  ];
}

type ResultValue = Pick<DiagnosticResult, 'valueQuantity' | 'valueCoded' | 'valueString'>;
const NO_VALUE: ResultValue = { valueQuantity: null, valueCoded: null, valueString: null };

/** OBX-5 by its value type (OBX-2); an empty OBX-5 is a result without a value yet. Null when unreadable. */
function readValue(
  obx: SegmentReader,
  type: string,
  at: string,
  facility: string,
  issues: IssueList,
): ResultValue | null {
  const [first] = obx.repetitions(5);
  if (first === undefined) return NO_VALUE;
  if (type === 'NM') {
    const text = first.text(1);
    const value = Number(text);
    if (text === '' || !Number.isFinite(value)) {
      issues.push(valueIssue(`${at}-5`, `${at}-5 "${text}" is not a number, as OBX-2 NM says it is`));
      return null;
    }
    return { ...NO_VALUE, valueQuantity: quantity(value, obx) };
  }
  if (type === 'SN') {
    // Structured numeric: comparator^number^separator^number, e.g. >^90 or ^1^:^128.
    const [comparator, low, separator, high] = [1, 2, 3, 4].map((c) => first.text(c));
    const value = Number(low);
    if (!comparator && !separator && low !== '' && Number.isFinite(value)) {
      return { ...NO_VALUE, valueQuantity: quantity(value, obx) };
    }
    return { ...NO_VALUE, valueString: `${comparator}${low}${separator}${high}`.trim() };
  }
  if (CODED_TYPES.includes(type)) {
    const coded = codedValueOf(first, facility);
    return coded === null ? NO_VALUE : { ...NO_VALUE, valueCoded: coded };
  }
  const text = obx
    .repetitions(5)
    .map((line) => line.text(1))
    .join(' ')
    .trim();
  return text === '' ? NO_VALUE : { ...NO_VALUE, valueString: text };
}

/** OBX-6 units: the text the laboratory printed, and its UCUM code when OBX-6.3 says the code is UCUM. */
function quantity(value: number, obx: SegmentReader) {
  const unit = obx.text(6, 2) || obx.text(6, 1);
  const ucumCode = obx.text(6, 3).toUpperCase() === 'UCUM' ? obx.text(6, 1) || null : null;
  return { value, unit, ucumCode };
}

function textLines(obx: SegmentReader): string[] {
  return obx.repetitions(5).map((line) => line.text(1));
}

function instant(segment: SegmentReader, field: number, location: string, issues: IssueList): number | null {
  const text = segment.text(field);
  if (!text) return null;
  const value = parseHl7Instant(text);
  if (value === null) issues.push(valueIssue(location, `${location} "${text}" is not an HL7 date/time`));
  return value;
}
