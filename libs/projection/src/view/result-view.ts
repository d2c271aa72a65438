import type {
  DiagnosticReportCategory,
  DiagnosticReportIssued,
  DiagnosticReportStatus,
  DiagnosticResultStatus,
  ObservationInterpretation,
  Quantity,
} from '@crosscare/events';
import { newestFirst } from './order';
import { provenanceOf, type Provenance, type ProviderNames } from './provenance';
import { codeOf, codeOrNull, isoInstant, isoInstantOrNull, type Code } from './readable';

/** One diagnostic report (pathology, imaging) with its results, as a clinician reads it. */
export interface ResultReportEntry {
  readonly code: Code;
  readonly category: DiagnosticReportCategory;
  readonly status: DiagnosticReportStatus;
  /** ISO instant the report applies to (specimen collected, examination done). */
  readonly effectiveAt: string;
  /** ISO instant this version was issued; null when the sender did not say. */
  readonly issuedAt: string | null;
  readonly performerOdsCode: string | null;
  readonly conclusion: string | null;
  readonly conclusionCodes: Code[];
  /** Empty for a cancelled report: whatever it held was withdrawn. */
  readonly results: ResultEntry[];
  readonly provenance: Provenance;
}

export interface ResultEntry {
  readonly code: Code;
  readonly status: DiagnosticResultStatus;
  readonly valueQuantity: Quantity | null;
  readonly valueCoded: Code | null;
  readonly valueString: string | null;
  readonly referenceRange: string | null;
  readonly interpretation: ObservationInterpretation | null;
}

/** How many reports the view shows: the recent ones matter at the point of care; the rest stay in the record. */
export const MAX_RESULT_REPORTS = 50;

/**
 * Diagnostic reports newest first by when they apply, each at its latest version (an amendment replaces what it
 * amends). A cancelled report stays listed, so a reader knows the test was cancelled, but shows no results.
 */
export function resultsOf(
  reports: readonly DiagnosticReportIssued[],
  names: ProviderNames | undefined,
): ResultReportEntry[] {
  return newestFirst(reports, (report) => report.effectiveAt)
    .slice(0, MAX_RESULT_REPORTS)
    .map((report) => resultReportEntryOf(report, names));
}

/** One report as the view shows it, whether or not it is among the most recent. */
export function resultReportEntryOf(
  report: DiagnosticReportIssued,
  names: ProviderNames | undefined,
): ResultReportEntry {
  return {
    code: codeOf(report.code),
    category: report.category,
    status: report.status,
    effectiveAt: isoInstant(report.effectiveAt),
    issuedAt: isoInstantOrNull(report.issuedAt),
    performerOdsCode: report.performerOdsCode,
    conclusion: report.conclusion,
    conclusionCodes: report.conclusionCodes.map(codeOf),
    results:
      report.status === 'CANCELLED'
        ? []
        : report.results.map((result) => ({
            code: codeOf(result.code),
            status: result.status,
            valueQuantity: result.valueQuantity && {
              value: result.valueQuantity.value,
              unit: result.valueQuantity.unit,
              ucumCode: result.valueQuantity.ucumCode,
            },
            valueCoded: codeOrNull(result.valueCoded),
            valueString: result.valueString,
            referenceRange: result.referenceRange,
            interpretation: result.interpretation,
          })),
    provenance: provenanceOf(report, names),
  };
}
