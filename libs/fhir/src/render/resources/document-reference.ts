import type { DocumentCompositionStatus, DocumentRecorded, DocumentStatus } from '@crosscare/events';
import type {
  Attachment,
  DocumentReference,
  Encounter,
  Organization,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import { sourceRecordSystem } from '../crosscare-definitions';
import {
  codeableConcept,
  datePeriod,
  fhirInstant,
  optional,
  organisationReference,
  patientReference,
} from '../fhir-values';
import { itemFrame, type RenderContext } from '../render-context';
import { itemResourceId, uuidReference } from '../resource-ids';

/** A document of unknown status is shown as current, as the projection's view does. */
export const DOCUMENT_REFERENCE_STATUSES: Record<DocumentStatus, DocumentReference['status']> = {
  CURRENT: 'current',
  SUPERSEDED: 'superseded',
  UNKNOWN: 'current',
};
const DOC_STATUSES: Record<DocumentCompositionStatus, DocumentReference['docStatus']> = {
  PRELIMINARY: 'preliminary',
  FINAL: 'final',
  AMENDED: 'amended',
  UNKNOWN: undefined,
};

/**
 * DocumentRecorded → DocumentReference with its one content: the URL, or the document itself inline. The encounter
 * and the replaced document point at the resources the shared record shows them as, and name the provider's own
 * record too, so the reference still means something read on its own.
 */
export function renderDocumentReference(
  document: DocumentRecorded,
  context: RenderContext,
): DocumentReference {
  const { header } = document;
  const ownRecord = <T extends Resource>(sourceRecordId: string, part: string): Reference<T> => ({
    reference: uuidReference(itemResourceId(header.providerOdsCode, sourceRecordId, part)),
    identifier: { system: sourceRecordSystem(header.providerOdsCode), value: sourceRecordId },
  });
  const period = document.period && datePeriod(document.period);
  const encounter = document.encounterSourceRecordId;
  return {
    resourceType: 'DocumentReference',
    ...itemFrame(header, 'DocumentRecorded'),
    status: DOCUMENT_REFERENCE_STATUSES[document.status],
    ...optional('docStatus', document.docStatus && DOC_STATUSES[document.docStatus]),
    type: codeableConcept(document.type),
    ...optional('category', document.category && [codeableConcept(document.category)]),
    subject: patientReference(context.nhsNumber),
    date: fhirInstant(document.documentDate),
    ...optional('author', authorsOf(document)),
    ...optional(
      'custodian',
      document.custodianOdsCode === null
        ? null
        : organisationReference(document.custodianOdsCode, context.providerName(document.custodianOdsCode)),
    ),
    ...optional(
      'relatesTo',
      document.replacesSourceRecordId === null
        ? null
        : [
            {
              code: 'replaces' as const,
              target: ownRecord(document.replacesSourceRecordId, 'DocumentRecorded'),
            },
          ],
    ),
    ...optional('description', document.description),
    content: [{ attachment: attachmentOf(document) }],
    ...(encounter === null && period === null
      ? {}
      : {
          context: {
            ...optional(
              'encounter',
              encounter === null ? null : [ownRecord<Encounter>(encounter, 'Encounter')],
            ),
            ...optional('period', period),
          },
        }),
  };
}

function authorsOf(document: DocumentRecorded): Reference<Organization>[] | null {
  if (document.authorOdsCode !== null)
    return [organisationReference(document.authorOdsCode, document.authorName ?? undefined)];
  return document.authorName === null ? null : [{ display: document.authorName }];
}

function attachmentOf(document: DocumentRecorded): Attachment {
  return {
    contentType: document.contentType,
    ...optional('url', document.url),
    ...optional('data', document.data === null ? null : Buffer.from(document.data).toString('base64')),
    ...optional('size', document.size),
    ...optional('title', document.title),
  };
}
