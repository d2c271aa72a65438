import { batchResponse, operationOutcome, transactionResponse } from '@crosscare/fhir';
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import type { BundleOutcome } from '../intake/fhir-intake';
import type { PublishedEvent } from '../intake/record-change-intake';
import { refusalHeaders, type ErrorRenderer } from './error-rendering';
import { sendFhir } from './fhir-format';

/** Where an accepted event's id is given in an OperationOutcome: details.coding with this system. */
export const EVENT_ID_SYSTEM = 'https://fhir.crosscare.nhs.uk/CodeSystem/event-id';

/** FHIR routes answer every refusal with an OperationOutcome (and the status its issues call for), as JSON or XML. */
export const renderOperationOutcome: ErrorRenderer = (req, res, error) => {
  refusalHeaders(res, error);
  sendFhir(req, res, error.status, operationOutcome(error.issues));
};

/**
 * The receipt for accepted record changes: one information issue per event, its id machine-readable in
 * details.coding, and whether it was published now or had been published before (a re-sent version).
 */
export function receiptOutcome(events: readonly PublishedEvent[]): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: events.map((e) => ({
      severity: 'information',
      code: 'informational',
      details: {
        coding: [{ system: EVENT_ID_SYSTEM, code: e.eventId, display: e.eventType }],
        text:
          e.outcome === 'accepted'
            ? `accepted ${e.eventType} ${e.eventId} for ${e.topic}`
            : `version ${e.sourceRecordVersion} of ${e.sourceRecordId} was already accepted as ${e.eventId}; nothing new was kept`,
      },
      expression: [e.sourceRecordId],
    })),
  };
}

/**
 * A transaction- or batch-response, each successful entry's response carrying the receipt of its events, or what
 * was done instead of publishing (a Medication kept as reference data).
 */
export function bundleResponse(outcome: BundleOutcome): Bundle {
  const responses = outcome.entries.map((e) => e.response);
  const bundle = outcome.type === 'transaction' ? transactionResponse(responses) : batchResponse(responses);
  return {
    ...bundle,
    entry: bundle.entry?.map((e, i) => {
      const { events, information } = outcome.entries[i];
      if (!e.response || e.response.outcome) return e;
      if (events.length > 0) return { ...e, response: { ...e.response, outcome: receiptOutcome(events) } };
      if (information === undefined) return e;
      return {
        ...e,
        response: { ...e.response, outcome: informationOutcome(information, e.response.location) },
      };
    }),
  };
}

function informationOutcome(text: string, location: string | undefined): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'information',
        code: 'informational',
        details: { text },
        ...(location === undefined ? {} : { expression: [location.replace(/\/_history\/.*$/, '')] }),
      },
    ],
  };
}
