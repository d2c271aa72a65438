import type { InputIssue } from '@crosscare/events';
import type { Bundle, BundleEntry } from '@medplum/fhirtypes';
import { httpStatusForIssues, statusLine } from './http-status';
import { operationOutcome } from './operation-outcome';

/** The outcome of one request entry, in request order. */
export type ResponseEntry =
  | {
      /** 201 for a new record, 200 for an update or delete. */
      readonly status: number;
      /** The record version now current, given as `Type/id/_history/version`. */
      readonly location?: { readonly resourceType: string; readonly id: string; readonly version: number };
    }
  | {
      /** Defaults to the status the issues call for (400, 404, 422…). */
      readonly status?: number;
      readonly issues: readonly InputIssue[];
    };

/** A transaction's response: every entry succeeded (a failed transaction answers with one OperationOutcome). */
export function transactionResponse(entries: readonly ResponseEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'transaction-response', entry: entries.map(responseEntry) };
}

/** A batch's response: each entry its own status, failed ones with an OperationOutcome saying why. */
export function batchResponse(entries: readonly ResponseEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'batch-response', entry: entries.map(responseEntry) };
}

function responseEntry(entry: ResponseEntry): BundleEntry {
  if ('issues' in entry) {
    const status = entry.status ?? httpStatusForIssues(entry.issues);
    return { response: { status: statusLine(status), outcome: operationOutcome(entry.issues) } };
  }
  const { location } = entry;
  if (location === undefined) return { response: { status: statusLine(entry.status) } };
  return {
    response: {
      status: statusLine(entry.status),
      location: `${location.resourceType}/${location.id}/_history/${location.version}`,
      etag: `W/"${location.version}"`,
    },
  };
}
