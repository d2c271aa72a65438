import type { AnyRecordChangeDraft, DocumentCompositionStatus, DocumentStatus } from '@crosscare/events';
import type { Attachment, DocumentReference, Reference } from '@medplum/fhirtypes';
import { ODS_ORGANISATION_SYSTEM, SNOMED_CT } from '../fhir-systems';
import { clinicalSource, ENTERED_IN_ERROR, removedAsEnteredInError } from '../mapping/clinical-source';
import { firstCoding, mapCode, odsCodeOf, requiredCoding } from '../mapping/codings';
import { dateOf, instantOf } from '../mapping/fhir-time';
import { draft, type MappingContext } from '../mapping/mapping-context';
import type { IssueLog } from '../validation/issue-log';

/**
 * The largest document carried inline (attachment.data, decoded): 256 KiB. The event travels as one Kafka message
 * (the broker's default limit is 1 MiB), is stored as one read model row and is sent again on the changelog, so a
 * letter or a discharge summary fits and a scanned bundle of notes does not: that must be sent by URL.
 */
export const MAX_INLINE_DOCUMENT_BYTES = 256 * 1024;

const STATUSES: Record<string, DocumentStatus> = { current: 'CURRENT', superseded: 'SUPERSEDED' };
const DOC_STATUSES: Record<string, DocumentCompositionStatus> = {
  preliminary: 'PRELIMINARY',
  final: 'FINAL',
  amended: 'AMENDED',
};

/**
 * A relative reference to one of the sender's own records of `type` (its id as ingest takes ids, no history part), as
 * the source record id it was shared under.
 */
const OWN_RECORD = (type: string) => new RegExp(`^${type}/([^/\\s]+)$`);

/**
 * DocumentReference → DocumentRecorded: the document's metadata and its first content, by URL or inline up to
 * MAX_INLINE_DOCUMENT_BYTES; entered-in-error → RecordRemoved.
 */
export function mapDocumentReference(
  document: DocumentReference,
  context: MappingContext,
): AnyRecordChangeDraft[] {
  const { at, issues } = context;
  const source = clinicalSource(
    document,
    { element: 'subject', reference: document.subject },
    [
      [document.date, `${at}.date`],
      [document.context?.period?.start, `${at}.context.period.start`],
    ],
    context,
  );
  if (document.status === ENTERED_IN_ERROR)
    return removedAsEnteredInError(source, 'DocumentRecorded', context);
  const type = requiredCoding(document.type, `${at}.type`, issues, { preferred: [SNOMED_CT] });
  const documentDate = instantOf(document.date, `${at}.date`, issues);
  const content = attachmentOf(document.content?.[0]?.attachment, `${at}.content[0].attachment`, issues);
  const period = document.context?.period && {
    start: dateOf(document.context.period.start, `${at}.context.period.start`, issues),
    end: dateOf(document.context.period.end, `${at}.context.period.end`, issues),
  };
  if (source === null || type === null || content === null || !issues.isEmpty) return [];
  return [
    draft('DocumentRecorded', source, {
      status: mapCode(document.status, STATUSES, 'UNKNOWN'),
      docStatus:
        document.docStatus === undefined ? null : mapCode(document.docStatus, DOC_STATUSES, 'UNKNOWN'),
      type,
      category: firstCoding(document.category, [SNOMED_CT]),
      documentDate: documentDate ?? source.occurredAt,
      authorOdsCode: odsCodeOf(document.author ?? [], ODS_ORGANISATION_SYSTEM),
      authorName: document.author?.find((author) => author.display)?.display ?? null,
      custodianOdsCode: odsCodeOf([document.custodian], ODS_ORGANISATION_SYSTEM),
      encounterSourceRecordId: ownRecordId(document.context?.encounter?.[0], 'Encounter'),
      period: period ?? null,
      description: document.description ?? null,
      ...content,
      replacesSourceRecordId: ownRecordId(
        document.relatesTo?.find((relation) => relation.code === 'replaces')?.target,
        'DocumentReference',
      ),
    }),
  ];
}

interface DocumentContent {
  readonly contentType: string;
  readonly title: string | null;
  readonly url: string | null;
  readonly data: Buffer | null;
  readonly size: number | null;
}

/** Where the document is, or the document itself: one of them is needed, and inline data only up to the limit. */
function attachmentOf(
  attachment: Attachment | undefined,
  at: string,
  issues: IssueLog,
): DocumentContent | null {
  if (attachment === undefined) {
    issues.required(at, `${at} is required: the document itself (data) or where it is (url)`);
    return null;
  }
  if (!attachment.contentType)
    issues.required(
      `${at}.contentType`,
      `${at}.contentType is required: readers need it to open the document`,
    );
  if (!attachment.url && !attachment.data)
    issues.required(at, `${at} needs url (where the document is) or data (the document, base64)`);
  const data = attachment.data ? Buffer.from(attachment.data, 'base64') : null;
  if (data !== null && data.length > MAX_INLINE_DOCUMENT_BYTES)
    issues.add(
      'too-costly',
      `${at}.data`,
      `${at}.data is ${data.length} bytes, over the ${MAX_INLINE_DOCUMENT_BYTES}-byte (256 KiB) limit for ` +
        'documents sent inline: send the document by URL (attachment.url) instead',
    );
  if (!attachment.contentType || (!attachment.url && data === null)) return null;
  return {
    contentType: attachment.contentType,
    title: attachment.title ?? null,
    url: attachment.url ?? null,
    data,
    size: attachment.size ?? data?.length ?? null,
  };
}

/**
 * The sender's own record a reference points at: `Encounter/123` as a relative reference, or as the identifier value
 * Crosscare's rendering names it by. Anything else (an absolute URL, another server's record) is not the sender's.
 */
function ownRecordId(reference: Reference | undefined, type: string): string | null {
  for (const candidate of [reference?.reference, reference?.identifier?.value]) {
    const match = candidate === undefined ? null : OWN_RECORD(type).exec(candidate);
    if (match) return `${type}/${match[1]}`;
  }
  return null;
}
