import type { PurposeOfUse } from '../access/purpose-of-use';
import type { Reader } from '@crosscare/identity';

export type RecordAccessOutcome = 'RETURNED' | 'NOT_FOUND';
export type RecordFormat = 'JSON' | 'FHIR';

/** One collaborative's snapshot an answer was built from (see RECORD_ACCESSED_SCHEMA). */
export interface RecordAccessSource {
  readonly collaborative: string;
  readonly nhsNumber: string;
  readonly sequence: number;
}

/** The RecordAccessed audit event, as RECORD_ACCESSED_SCHEMA writes it. */
export interface RecordAccessed {
  readonly auditId: string;
  /** Epoch ms. */
  readonly occurredAt: number;
  readonly user: { readonly id: string; readonly name: string; readonly role: string };
  readonly organisationOdsCode: string;
  readonly purposeOfUse: PurposeOfUse;
  readonly nhsNumber: string;
  readonly resolvedNhsNumber: string;
  readonly outcome: RecordAccessOutcome;
  readonly format: RecordFormat;
  readonly sources: RecordAccessSource[];
  readonly itemCount: number;
  readonly restrictedWithheld: number;
  readonly correlationId: string;
  readonly clientIp: string;
}

/** What one read did, in the record API's terms. */
export interface RecordAccess {
  readonly reader: Reader;
  readonly purpose: PurposeOfUse;
  readonly requestedNhsNumber: string;
  readonly resolvedNhsNumber: string;
  readonly outcome: RecordAccessOutcome;
  readonly format: RecordFormat;
  readonly sources: readonly RecordAccessSource[];
  readonly itemCount: number;
  readonly restrictedWithheld: number;
  readonly correlationId: string;
  readonly clientIp: string;
}

/** The audit event of a read, under a fresh id, at the time given. */
export function recordAccessedEvent(
  access: RecordAccess,
  stamp: { readonly auditId: string; readonly occurredAt: number },
): RecordAccessed {
  return {
    auditId: stamp.auditId,
    occurredAt: stamp.occurredAt,
    user: { id: access.reader.userId, name: access.reader.name, role: access.reader.role },
    organisationOdsCode: access.reader.organisationOdsCode,
    purposeOfUse: access.purpose,
    nhsNumber: access.requestedNhsNumber,
    resolvedNhsNumber: access.resolvedNhsNumber,
    outcome: access.outcome,
    format: access.format,
    // Copies without extra fields: the serde refuses fields the schema does not declare.
    sources: access.sources.map(({ collaborative, nhsNumber, sequence }) => ({
      collaborative,
      nhsNumber,
      sequence,
    })),
    itemCount: access.itemCount,
    restrictedWithheld: access.restrictedWithheld,
    correlationId: access.correlationId,
    clientIp: access.clientIp,
  };
}
