import type {
  DiagnosticReportCategory,
  DiagnosticReportIssued,
  DiagnosticReportStatus,
  DiagnosticResult,
  DiagnosticResultStatus,
} from '@crosscare/events';
import type { CodeableConcept, DiagnosticReport, Observation } from '@medplum/fhirtypes';
import { V2_DIAGNOSTIC_SERVICE_SECTION } from '../../fhir-systems';
import {
  codeableConcept,
  conceptFrom,
  fhirInstant,
  nonEmpty,
  optional,
  organisationReference,
  patientReference,
  quantity,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';
import { INTERPRETATIONS } from './observation';

export const DIAGNOSTIC_REPORT_STATUSES: Record<DiagnosticReportStatus, DiagnosticReport['status']> = {
  REGISTERED: 'registered',
  PARTIAL: 'partial',
  PRELIMINARY: 'preliminary',
  FINAL: 'final',
  AMENDED: 'amended',
  CORRECTED: 'corrected',
  CANCELLED: 'cancelled',
  UNKNOWN: 'unknown',
};
const RESULT_STATUSES: Record<DiagnosticResultStatus, Observation['status']> = {
  REGISTERED: 'registered',
  PRELIMINARY: 'preliminary',
  FINAL: 'final',
  AMENDED: 'amended',
  CORRECTED: 'corrected',
  CANCELLED: 'cancelled',
  UNKNOWN: 'unknown',
};
const CATEGORIES: Record<DiagnosticReportCategory, CodeableConcept | undefined> = {
  PATHOLOGY: conceptFrom(V2_DIAGNOSTIC_SERVICE_SECTION, 'LAB', 'Laboratory'),
  IMAGING: conceptFrom(V2_DIAGNOSTIC_SERVICE_SECTION, 'RAD', 'Radiology'),
  OTHER: undefined,
};

/**
 * DiagnosticReportIssued → DiagnosticReport with its results as contained Observations (`#result-1`…), so the report
 * travels as one resource that reads the same on its own and maps back through the forward mapper. Each result
 * keeps its own status, value, reference range (as text, as the laboratory printed it) and abnormal flag.
 */
export function renderDiagnosticReport(
  report: DiagnosticReportIssued,
  context: RenderContext,
): DiagnosticReport {
  const subject = patientReference(context.nhsNumber);
  const effectiveDateTime = fhirInstant(report.effectiveAt);
  const contained = report.results.map((result, i) =>
    renderResult(result, `result-${i + 1}`, subject, effectiveDateTime),
  );
  const category = CATEGORIES[report.category];
  return {
    resourceType: 'DiagnosticReport',
    ...itemFrame(report.header, 'DiagnosticReportIssued'),
    ...nonEmpty('contained', contained),
    status: DIAGNOSTIC_REPORT_STATUSES[report.status],
    ...optional('category', category && [category]),
    code: codeableConcept(report.code),
    subject,
    effectiveDateTime,
    ...optional('issued', fhirInstant(report.issuedAt)),
    ...optional(
      'performer',
      report.performerOdsCode === null
        ? null
        : [organisationReference(report.performerOdsCode, context.providerName(report.performerOdsCode))],
    ),
    ...nonEmpty(
      'result',
      contained.map((observation) => ({ reference: `#${observation.id}` })),
    ),
    ...optional('conclusion', report.conclusion),
    ...nonEmpty('conclusionCode', report.conclusionCodes.map(codeableConcept)),
  };
}

function renderResult(
  result: DiagnosticResult,
  id: string,
  subject: Observation['subject'],
  effectiveDateTime: string,
): Observation {
  const { valueQuantity, valueCoded, valueString, interpretation, referenceRange } = result;
  return {
    resourceType: 'Observation',
    id,
    status: RESULT_STATUSES[result.status],
    code: codeableConcept(result.code),
    subject,
    effectiveDateTime,
    ...optional('valueQuantity', valueQuantity && quantity(valueQuantity)),
    ...optional('valueCodeableConcept', valueCoded && codeableConcept(valueCoded)),
    ...optional('valueString', valueString),
    ...optional('interpretation', interpretation && [INTERPRETATIONS[interpretation]]),
    ...optional('referenceRange', referenceRange === null ? null : [{ text: referenceRange }]),
  };
}
