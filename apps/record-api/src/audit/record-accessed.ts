import type { AccessDenial, PurposeOfUse, RecordSection, Relationship } from '@crosscare/governance';

export type RecordAccessOutcome = 'RETURNED' | 'BREAK_GLASS' | 'NOT_FOUND' | 'DENIED';
export type RecordFormat = 'JSON' | 'FHIR';

/** One collaborative's snapshot an answer was built from (see RECORD_ACCESSED_SCHEMA). */
export interface RecordAccessSource {
  readonly collaborative: string;
  readonly nhsNumber: string;
  readonly sequence: number;
}

/** The person behind a request, as the audit keeps them. */
export interface RecordAccessUser {
  readonly id: string;
  readonly name: string;
  readonly role: string;
}

/** The RecordAccessed audit event, as RECORD_ACCESSED_SCHEMA writes it. */
export interface RecordAccessed {
  readonly auditId: string;
  /** Epoch ms. */
  readonly occurredAt: number;
  readonly user: RecordAccessUser | null;
  readonly organisationOdsCode: string | null;
  readonly purposeOfUse: PurposeOfUse | null;
  readonly nhsNumber: string | null;
  readonly resolvedNhsNumber: string | null;
  readonly outcome: RecordAccessOutcome;
  readonly format: RecordFormat;
  readonly sources: RecordAccessSource[];
  readonly itemCount: number;
  readonly restrictedWithheld: number;
  readonly correlationId: string;
  readonly clientIp: string;
  readonly identityVerified: boolean;
  readonly tokenIssuer: string | null;
  readonly denial: AccessDenial | null;
  readonly reason: string | null;
  readonly relationship: Relationship | 'NONE' | null;
  readonly breakGlassReason: string | null;
  readonly objectionApplied: boolean;
  readonly sectionsWithheld: string[];
  /** Set for a search of the patient's history; null for a read of the record view. */
  readonly search: RecordSearched | null;
}

/** What a search asked for and found (see RECORD_ACCESSED_SCHEMA's RecordSearched). */
export interface RecordSearched {
  readonly resourceType: string;
  /** Canonical parameters, without the patient or the page position. */
  readonly query: string;
  /** Whether this page was reached by a next link (false for the first page). */
  readonly continued: boolean;
  /** Matches over all pages; 0 when refused. */
  readonly total: number;
  /** Resources this page returned. */
  readonly returned: number;
}

/**
 * Who asked, as far as the request got: nothing (no token), what a refused token claimed, or the verified reader.
 * Every field may be missing from a claim; the audit keeps what there is.
 */
export interface Caller {
  readonly userId?: string;
  readonly name?: string;
  readonly role?: string;
  readonly organisationOdsCode?: string;
  readonly issuer?: string;
  readonly verified: boolean;
}

/** What one request did, in the record API's terms. */
export interface RecordAccess {
  readonly caller: Caller;
  readonly purpose: PurposeOfUse | null;
  readonly requestedNhsNumber: string | null;
  readonly resolvedNhsNumber: string | null;
  readonly outcome: RecordAccessOutcome;
  readonly format: RecordFormat;
  readonly correlationId: string;
  readonly clientIp: string;
  readonly sources?: readonly RecordAccessSource[];
  readonly itemCount?: number;
  readonly restrictedWithheld?: number;
  readonly denial?: AccessDenial;
  readonly reason?: string;
  readonly relationship?: Relationship | 'NONE';
  readonly breakGlassReason?: string;
  readonly objectionApplied?: boolean;
  readonly sectionsWithheld?: readonly RecordSection[];
  readonly search?: RecordSearched;
}

/** The audit event of a request, under a fresh id, at the time given. */
export function recordAccessedEvent(
  access: RecordAccess,
  stamp: { readonly auditId: string; readonly occurredAt: number },
): RecordAccessed {
  const { caller } = access;
  // A user is kept only with an id: an unverified token that claimed no sub names nobody to follow up.
  const user =
    caller.userId !== undefined
      ? { id: caller.userId, name: caller.name ?? '', role: caller.role ?? '' }
      : null;
  return {
    auditId: stamp.auditId,
    occurredAt: stamp.occurredAt,
    user,
    organisationOdsCode: caller.organisationOdsCode ?? null,
    purposeOfUse: access.purpose,
    nhsNumber: access.requestedNhsNumber,
    resolvedNhsNumber: access.resolvedNhsNumber,
    outcome: access.outcome,
    format: access.format,
    // Copies without extra fields: the serde refuses fields the schema does not declare.
    sources: (access.sources ?? []).map(({ collaborative, nhsNumber, sequence }) => ({
      collaborative,
      nhsNumber,
      sequence,
    })),
    itemCount: access.itemCount ?? 0,
    restrictedWithheld: access.restrictedWithheld ?? 0,
    correlationId: access.correlationId,
    clientIp: access.clientIp,
    identityVerified: caller.verified,
    tokenIssuer: caller.issuer ?? null,
    denial: access.denial ?? null,
    reason: access.reason ?? null,
    relationship: access.relationship ?? null,
    breakGlassReason: access.breakGlassReason ?? null,
    objectionApplied: access.objectionApplied ?? false,
    sectionsWithheld: [...(access.sectionsWithheld ?? [])],
    search: access.search
      ? {
          resourceType: access.search.resourceType,
          query: access.search.query,
          continued: access.search.continued,
          total: access.search.total,
          returned: access.search.returned,
        }
      : null,
  };
}

/** The key of a request's audit message: the patient, so one patient's accesses stay in order on one partition. */
export function auditKeyOf(event: RecordAccessed): string | null {
  return event.resolvedNhsNumber ?? event.nhsNumber;
}
