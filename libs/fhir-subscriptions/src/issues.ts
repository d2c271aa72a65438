import type { InputIssue, InputIssueCode } from '@crosscare/events';
import { httpStatusForIssues, operationOutcome } from '@crosscare/fhir';
import type { OperationOutcome } from '@medplum/fhirtypes';

/** FHIR issue-type codes a subscription request can be refused with. */
export type SubscriptionIssueCode = 'invalid' | 'required' | 'not-supported' | 'value';

/** One thing wrong with a subscription request, located by FHIRPath so the client can fix it. */
export interface SubscriptionIssue {
  readonly severity: 'error';
  readonly code: SubscriptionIssueCode;
  /** FHIRPath of the element at fault, e.g. `Subscription.channel.endpoint`. */
  readonly expression: string;
  /** What is wrong, for a person; never echoes a channel header's value (a secret). */
  readonly diagnostics: string;
}

/** Filter problems are subscription problems: they are reported in the same OperationOutcome. */
export type FilterIssue = SubscriptionIssue;

/** Either the value, or every problem found (never some of each). */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly SubscriptionIssue[] };

export const issue = (
  code: SubscriptionIssueCode,
  expression: string,
  diagnostics: string,
): SubscriptionIssue => ({ severity: 'error', code, expression, diagnostics });

/**
 * `invalid` is FHIR's parent code for a request that is malformed as a whole (not JSON of the right resource, a
 * filter that does not parse); Crosscare's ingest vocabulary calls that `structure`, and answers it with a 400.
 */
const INPUT_CODE: Readonly<Record<SubscriptionIssueCode, InputIssueCode>> = {
  invalid: 'structure',
  required: 'required',
  'not-supported': 'not-supported',
  value: 'value',
};

/** The issues in ingest's vocabulary, so the HTTP status and OperationOutcome come from @crosscare/fhir's rules. */
export const asInputIssues = (issues: readonly SubscriptionIssue[]): InputIssue[] =>
  issues.map((found) => ({
    location: found.expression,
    code: INPUT_CODE[found.code],
    message: found.diagnostics,
  }));

/** The refusal of a subscription request: its OperationOutcome and HTTP status (400 or 422). */
export function subscriptionRefusal(issues: readonly SubscriptionIssue[]): {
  readonly status: number;
  readonly outcome: OperationOutcome;
} {
  const inputIssues = asInputIssues(issues);
  return { status: httpStatusForIssues(inputIssues), outcome: operationOutcome(inputIssues) };
}
