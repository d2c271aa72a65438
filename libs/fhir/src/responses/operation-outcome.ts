import type { InputIssue } from '@crosscare/events';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

export type IssueSeverity = OperationOutcomeIssue['severity'];

/**
 * Issues as an OperationOutcome. The message goes in both details.text (for people) and diagnostics (which many
 * FHIR clients log); the location is the issue's FHIRPath expression. No issues → one informational "ok".
 */
export function operationOutcome(
  issues: readonly InputIssue[],
  severity: IssueSeverity = 'error',
): OperationOutcome {
  if (issues.length === 0) {
    return {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational', diagnostics: 'ok', details: { text: 'ok' } }],
    };
  }
  return {
    resourceType: 'OperationOutcome',
    issue: issues.map((issue) => ({
      severity,
      code: issue.code,
      diagnostics: issue.message,
      details: { text: issue.message },
      expression: [issue.location],
    })),
  };
}
