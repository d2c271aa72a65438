import { CrosscareError } from '@crosscare/errors';

/** FHIR issue types (http://hl7.org/fhir/issue-type) the service answers with. */
export type SubscriptionsIssueCode =
  | 'invalid'
  | 'value'
  | 'required'
  | 'not-supported'
  | 'login'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'transient'
  | 'exception';

/**
 * The one error the subscription API answers with, as an OperationOutcome. Messages are for the subscriber: they
 * never repeat a token or a channel header, and never say whether Crosscare holds a patient.
 */
export class SubscriptionsError extends CrosscareError {
  constructor(
    readonly status: number,
    readonly code: SubscriptionsIssueCode,
    /** Where the problem is: a FHIRPath into the resource, a header, a parameter. */
    readonly location: string,
    message: string,
    /** More issues of the same refusal (a resource with several faults says all of them). */
    readonly more: readonly { code: SubscriptionsIssueCode; location: string; message: string }[] = [],
  ) {
    super(message, { retriable: status === 503 });
    this.name = 'SubscriptionsError';
  }

  get issues(): { code: SubscriptionsIssueCode; location: string; message: string }[] {
    return [{ code: this.code, location: this.location, message: this.message }, ...this.more];
  }
}

/** Another organisation's subscription looks exactly like one that does not exist. */
export const subscriptionNotFound = (id: string) =>
  new SubscriptionsError(404, 'not-found', 'Subscription.id', `no Subscription/${id} of this organisation`);
