import type {
  AnyRecordChangeDraft,
  DiagnosticReportCategory,
  DiagnosticReportStatus,
  DiagnosticResult,
  DiagnosticResultStatus,
} from '@crosscare/events';
import type { DiagnosticReport, ObservationReferenceRange, Reference } from '@medplum/fhirtypes';
import { LOINC, ODS_ORGANISATION_SYSTEM, SNOMED_CT, V2_DIAGNOSTIC_SERVICE_SECTION } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { containedResource } from '../mapping/contained';
import { mapCode, odsCodeOf, pickCoding, requiredCoding } from '../mapping/codings';
import { instantOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';
import { interpretationOf, valueOf } from './observation';

const STATUSES: Record<string, DiagnosticReportStatus> = {
  registered: 'REGISTERED',
  partial: 'PARTIAL',
  preliminary: 'PRELIMINARY',
  final: 'FINAL',
  amended: 'AMENDED',
  corrected: 'CORRECTED',
  // An appended report is an amended one with more added: readers need the same warning.
  appended: 'AMENDED',
  cancelled: 'CANCELLED',
};
const RESULT_STATUSES: Record<string, DiagnosticResultStatus> = {
  registered: 'REGISTERED',
  preliminary: 'PRELIMINARY',
  final: 'FINAL',
  amended: 'AMENDED',
  corrected: 'CORRECTED',
  cancelled: 'CANCELLED',
};

/**
 * HL7 v2 table 0074 diagnostic service sections (FHIR's DiagnosticReport category) and the SNOMED CT concepts UK
 * senders use, as pathology or imaging; anything else is OTHER.
 */
const CATEGORIES: Record<string, DiagnosticReportCategory> = {
  LAB: 'PATHOLOGY',
  PAT: 'PATHOLOGY',
  HM: 'PATHOLOGY',
  CH: 'PATHOLOGY',
  MB: 'PATHOLOGY',
  MCB: 'PATHOLOGY',
  IMM: 'PATHOLOGY',
  SP: 'PATHOLOGY',
  CP: 'PATHOLOGY',
  BLB: 'PATHOLOGY',
  SR: 'PATHOLOGY',
  TX: 'PATHOLOGY',
  VR: 'PATHOLOGY',
  HLA: 'PATHOLOGY',
  CG: 'PATHOLOGY',
  GE: 'PATHOLOGY',
  RAD: 'IMAGING',
  CT: 'IMAGING',
  MR: 'IMAGING',
  RUS: 'IMAGING',
  NMR: 'IMAGING',
  NMS: 'IMAGING',
  VUS: 'IMAGING',
  RX: 'IMAGING',
  XRC: 'IMAGING',
  // SNOMED CT: 394595002 |Pathology|, 4241000179101 |Laboratory report|, 394914008 |Radiology|, 4201000179104
  // |Imaging report|.
  '394595002': 'PATHOLOGY',
  '4241000179101': 'PATHOLOGY',
  '394914008': 'IMAGING',
  '4201000179104': 'IMAGING',
};

/**
 * DiagnosticReport (pathology, radiology) with its result Observations → DiagnosticReportIssued, the results inside
 * it; entered-in-error → RecordRemoved. A result is found contained in the report (`#id`) or as an Observation
 * entry of the same transaction Bundle; a reference to neither is refused, naming it, since a report published
 * without the results it reports would tell a reader its results were not there.
 */
export function mapDiagnosticReport(
  report: DiagnosticReport,
  context: MappingContext,
): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const effective: readonly (readonly [string | undefined, string])[] = [
    [report.effectiveDateTime, `${at}.effectiveDateTime`],
    [report.effectivePeriod?.start, `${at}.effectivePeriod.start`],
    [report.issued, `${at}.issued`],
  ];
  const source = clinicalSource(
    report,
    { element: 'subject', reference: report.subject },
    effective,
    context,
  );
  if (report.status === ENTERED_IN_ERROR) {
    return removedAsEnteredInError(source, 'DiagnosticReportIssued', context);
  }
  const code = requiredCoding(report.code, `${at}.code`, issues, { preferred: [SNOMED_CT, LOINC] });
  const [effectiveTime, effectiveLocation] = effective.find(([value]) => value !== undefined) ?? [];
  if (effectiveTime === undefined) {
    issues.required(
      `${at}.effectiveDateTime`,
      `${at}.effective[x] or ${at}.issued is required: when the report applies`,
    );
  }
  const effectiveAt = instantOf(effectiveTime, effectiveLocation ?? `${at}.effectiveDateTime`, issues);
  const issuedAt = instantOf(report.issued, `${at}.issued`, issues);
  const results = (report.result ?? []).flatMap((reference, i) =>
    resultOf(report, reference, `${at}.result[${i}]`, context),
  );
  if (source === null || code === null || effectiveAt === null || !issues.isEmpty) return [];
  return [
    draft('DiagnosticReportIssued', source, {
      code,
      category: categoryOf(report),
      status: mapCode(report.status, STATUSES, 'UNKNOWN'),
      effectiveAt,
      issuedAt,
      performerOdsCode: odsCodeOf(report.performer ?? [], ODS_ORGANISATION_SYSTEM),
      conclusion: report.conclusion?.trim() || null,
      conclusionCodes: (report.conclusionCode ?? []).flatMap((concept) => {
        const coding = pickCoding(concept, [SNOMED_CT]);
        return coding ? [coding] : [];
      }),
      results,
    }),
  ];
}

function resultOf(
  report: DiagnosticReport,
  reference: Reference,
  at: string,
  context: MappingContext,
): DiagnosticResult[] {
  const { issues } = context;
  const target = reference.reference;
  const observation =
    containedResource(report.contained, target, 'Observation') ??
    (target === undefined ? undefined : context.results?.get(target));
  if (observation === undefined) {
    issues.invalid(
      `${at}.reference`,
      `${at} '${target ?? ''}' is neither a contained Observation (#id) nor an Observation entry of the same ` +
        'transaction Bundle: send the report with its results',
    );
    return [];
  }
  // A result entered in error was never a result of this report.
  if (observation.status === ENTERED_IN_ERROR) return [];
  const code = requiredCoding(observation.code, `${at} (Observation.code)`, issues, {
    preferred: [SNOMED_CT, LOINC],
  });
  if (code === null) return [];
  return [
    {
      code,
      status: mapCode(observation.status, RESULT_STATUSES, 'UNKNOWN'),
      ...valueOf(observation),
      referenceRange: referenceRangeText(observation.referenceRange?.[0]),
      interpretation: interpretationOf(observation),
    },
  ];
}

function categoryOf(report: DiagnosticReport): DiagnosticReportCategory {
  for (const concept of report.category ?? []) {
    for (const coding of concept.coding ?? []) {
      const known = coding.system === V2_DIAGNOSTIC_SERVICE_SECTION || coding.system === SNOMED_CT;
      if (known && coding.code !== undefined && Object.hasOwn(CATEGORIES, coding.code)) {
        return CATEGORIES[coding.code];
      }
    }
  }
  return 'OTHER';
}

/** The range as a reader sees it printed on a report: its text, else low-high (either end may be open). */
export function referenceRangeText(range: ObservationReferenceRange | undefined): string | null {
  if (range === undefined) return null;
  if (range.text?.trim()) return range.text.trim();
  const low = range.low?.value;
  const high = range.high?.value;
  const unit = range.high?.unit ?? range.low?.unit;
  const span =
    low !== undefined && high !== undefined
      ? `${low}-${high}`
      : low !== undefined
        ? `>=${low}`
        : high !== undefined
          ? `<=${high}`
          : null;
  return span === null ? null : unit ? `${span} ${unit}` : span;
}
