import type { DocumentCompositionStatus, DocumentRecorded, DocumentStatus } from '@crosscare/events';
import { newestFirst } from './order';
import { provenanceOf, type Provenance, type ProviderNames } from './provenance';
import { codeOf, codeOrNull, dateSpanOf, isoInstant, type Code, type DateSpan } from './readable';

export interface DocumentEntry {
  readonly type: Code;
  readonly category: Code | null;
  readonly status: DocumentStatus;
  readonly docStatus: DocumentCompositionStatus | null;
  /** ISO instant. */
  readonly date: string;
  readonly description: string | null;
  readonly authorOdsCode: string | null;
  readonly authorName: string | null;
  readonly custodianOdsCode: string | null;
  /** The provider's own id of the encounter the document is about, e.g. `Encounter/123`. */
  readonly encounterSourceRecordId: string | null;
  readonly period: DateSpan | null;
  readonly contentType: string;
  readonly title: string | null;
  /** Where the document is; null when it travels inline. */
  readonly url: string | null;
  /** The document itself, base64, when it travels inline (at most 256 KiB decoded). */
  readonly data: string | null;
  readonly size: number | null;
  readonly provenance: Provenance;
}

/**
 * The current documents, newest first: neither marked superseded nor replaced by another document of the same
 * provider (relatesTo replaces), whichever of the two the sender did. UNKNOWN status is kept.
 */
export function documentsOf(
  documents: readonly DocumentRecorded[],
  names: ProviderNames | undefined,
): DocumentEntry[] {
  const replaced = new Set(
    documents.flatMap((document) =>
      document.replacesSourceRecordId === null || document.status === 'SUPERSEDED'
        ? []
        : [ownRecord(document.header.providerOdsCode, document.replacesSourceRecordId)],
    ),
  );
  const current = documents.filter(
    (document) =>
      document.status !== 'SUPERSEDED' &&
      !replaced.has(ownRecord(document.header.providerOdsCode, document.header.sourceRecordId)),
  );
  return newestFirst(current, (document) => document.documentDate).map((document) =>
    documentEntryOf(document, names),
  );
}

/** One document as the view shows it, current or not. */
export function documentEntryOf(document: DocumentRecorded, names: ProviderNames | undefined): DocumentEntry {
  return {
    type: codeOf(document.type),
    category: codeOrNull(document.category),
    status: document.status,
    docStatus: document.docStatus,
    date: isoInstant(document.documentDate),
    description: document.description,
    authorOdsCode: document.authorOdsCode,
    authorName: document.authorName,
    custodianOdsCode: document.custodianOdsCode,
    encounterSourceRecordId: document.encounterSourceRecordId,
    period: document.period && dateSpanOf(document.period),
    contentType: document.contentType,
    title: document.title,
    url: document.url,
    data: document.data === null ? null : Buffer.from(document.data).toString('base64'),
    size: document.size,
    provenance: provenanceOf(document, names),
  };
}

const ownRecord = (providerOdsCode: string, sourceRecordId: string): string =>
  `${providerOdsCode}\u0000${sourceRecordId}`;
